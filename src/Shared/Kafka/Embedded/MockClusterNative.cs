using System.Reflection;
using System.Runtime.InteropServices;

namespace Chat.Shared.Kafka.Embedded;

/// <summary>
/// P/Invoke into librdkafka's mock cluster (rdkafka_mock.h). The import resolves to the very
/// file Confluent.Kafka loads, so the mock and the clients share one librdkafka.
/// </summary>
internal static unsafe partial class MockClusterNative
{
    private const string Lib = "librdkafka";
    private static readonly Lock LoadLock = new();
    private static string? _loadedPath;

    [LibraryImport(Lib)] internal static partial nint rd_kafka_conf_new();
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_conf_set(nint conf, string name, string value, byte* errstr, nuint errstrSize);
    [LibraryImport(Lib)] internal static partial nint rd_kafka_new(int type, nint conf, byte* errstr, nuint errstrSize);
    [LibraryImport(Lib)] internal static partial void rd_kafka_destroy(nint rk);
    [LibraryImport(Lib)] internal static partial nint rd_kafka_mock_cluster_new(nint rk, int brokerCount);
    [LibraryImport(Lib)] internal static partial void rd_kafka_mock_cluster_destroy(nint mc);
    [LibraryImport(Lib)] internal static partial nint rd_kafka_mock_cluster_bootstraps(nint mc);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_topic_create(nint mc, string topic, int partitions, int replicationFactor);
    [LibraryImport(Lib)] internal static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(nint mc, int delayMs);
    [LibraryImport(Lib)] internal static partial int rd_kafka_mock_broker_set_down(nint mc, int brokerId);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void rd_kafka_mock_broker_set_host_port(nint mc, int brokerId, string host, int port);
    [LibraryImport(Lib)] internal static partial int rd_kafka_mock_broker_set_up(nint mc, int brokerId);
    [LibraryImport(Lib)] internal static partial int rd_kafka_mock_broker_set_rtt(nint mc, int brokerId, int rttMs);

    /// <summary>The next <paramref name="count"/> requests of <paramref name="apiKey"/>, to any broker, fail with <paramref name="errors"/> in turn.</summary>
    [LibraryImport(Lib)] internal static partial void rd_kafka_mock_push_request_errors_array(nint mc, short apiKey, nuint count, int* errors);

    /// <summary>
    /// The C function is variadic (<c>cnt</c> pairs of error and RTT in ms follow). Bound here for one pair
    /// per call: where variadic integers travel as fixed ones do (x64 and Linux arm64, not Apple
    /// silicon), a fixed signature passes them exactly as the C caller would.
    /// </summary>
    [LibraryImport(Lib)] internal static partial int rd_kafka_mock_broker_push_request_error_rtts(nint mc, int brokerId, short apiKey, nuint count, int error, int rttMs);
    [LibraryImport(Lib)] internal static partial int rd_kafka_mock_broker_error_stack_cnt(nint mc, int brokerId, short apiKey, nuint* count);

    /// <summary>Lets Confluent.Kafka load librdkafka its own way, then binds these imports to that same file.</summary>
    internal static void EnsureLoaded()
    {
        lock (LoadLock)
        {
            if (_loadedPath is not null) return;
            _ = Confluent.Kafka.Library.Version; // forces Confluent.Kafka to load its native library
            _loadedPath = LoadedByConfluent() ?? CandidatePaths().FirstOrDefault(p => File.Exists(p) && NativeLibrary.TryLoad(p, out _))
                ?? throw new DllNotFoundException(
                    "No loadable librdkafka found under runtimes/<rid>/native. Restore the librdkafka.redist package.");
            NativeLibrary.SetDllImportResolver(typeof(MockClusterNative).Assembly, Resolve);
        }
    }

    /// <summary>On Linux the process map names the librdkafka file already mapped in.</summary>
    private static string? LoadedByConfluent()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return null;
        return File.ReadLines(maps)
            .Select(line => line.IndexOf('/') is var i and >= 0 ? line[i..] : "")
            .FirstOrDefault(path => Path.GetFileName(path).Contains("librdkafka", StringComparison.Ordinal));
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == Lib && _loadedPath is not null ? NativeLibrary.Load(_loadedPath) : 0;

    // The plain linux-x64 build needs libsasl2.so.3, which Debian lacks; the centos8 build does not.
    private static IEnumerable<string> CandidatePaths()
    {
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier.Split('-')[0] switch
        {
            "linux" => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64",
            "osx" => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "osx-arm64" : "osx-x64",
            _ => "win-x64",
        }, "native");
        yield return Path.Combine(native, "librdkafka.so");
        yield return Path.Combine(native, "centos8-librdkafka.so");
        yield return Path.Combine(native, "alpine-librdkafka.so");
        yield return Path.Combine(native, "librdkafka.dylib");
        yield return Path.Combine(native, "librdkafka.dll");
    }
}
