using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace Chat.Shared.Kafka.Embedded;

/// <summary>
/// A Kafka-protocol broker inside this process: librdkafka's mock cluster. It keeps about
/// 5 MiB per partition in memory and nothing on disk — for development, demos and tests,
/// never a durable log. It listens on a real 127.0.0.1 port that other processes can use.
/// </summary>
public sealed unsafe class EmbeddedKafkaBroker : IDisposable
{
    private nint _handle;
    private nint _cluster;
    private TcpForwarder? _forwarder;

    private EmbeddedKafkaBroker(nint handle, nint cluster, string bootstrapServers)
    {
        _handle = handle;
        _cluster = cluster;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; private set; }

    /// <summary>Starts a one-broker cluster and creates <paramref name="topics"/> with <paramref name="partitions"/> each.</summary>
    public static EmbeddedKafkaBroker Start(IEnumerable<string> topics, int partitions)
    {
        MockClusterNative.EnsureLoaded();
        var errstr = stackalloc byte[512];
        var conf = MockClusterNative.rd_kafka_conf_new();
        // The mock cluster hangs off a producer handle that itself connects nowhere.
        MockClusterNative.rd_kafka_conf_set(conf, "bootstrap.servers", "", errstr, 512);
        MockClusterNative.rd_kafka_conf_set(conf, "log_level", "3", errstr, 512);
        var handle = MockClusterNative.rd_kafka_new(0, conf, errstr, 512);
        if (handle == 0)
            throw new InvalidOperationException("rd_kafka_new failed: " + Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(errstr)));

        var cluster = MockClusterNative.rd_kafka_mock_cluster_new(handle, 1);
        if (cluster == 0)
        {
            MockClusterNative.rd_kafka_destroy(handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }
        // Defaults make every consumer-group join wait ~3 s more; nothing here needs that.
        MockClusterNative.rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, 0);
        var bootstraps = Marshal.PtrToStringUTF8(MockClusterNative.rd_kafka_mock_cluster_bootstraps(cluster))!;
        var broker = new EmbeddedKafkaBroker(handle, cluster, bootstraps);
        foreach (var topic in topics) broker.CreateTopic(topic, partitions);
        return broker;
    }

    /// <summary>
    /// Serves the broker on a fixed port as well (the mock's own is random): a relay on
    /// <paramref name="port"/>, advertised in metadata as <paramref name="advertisedHost"/>:<paramref name="port"/>.
    /// </summary>
    public void ListenOn(int port, IPAddress bindAddress, string advertisedHost)
    {
        var target = IPEndPoint.Parse(BootstrapServers.Split(',')[0]);
        _forwarder = new TcpForwarder(new IPEndPoint(bindAddress, port), target);
        MockClusterNative.rd_kafka_mock_broker_set_host_port(_cluster, 1, advertisedHost, port);
        BootstrapServers = $"{advertisedHost}:{port}";
    }

    public void CreateTopic(string topic, int partitions)
    {
        var err = MockClusterNative.rd_kafka_mock_topic_create(_cluster, topic, partitions, 1);
        if (err != 0) throw new InvalidOperationException($"Creating topic {topic} failed with librdkafka error {err}.");
    }

    /// <summary>Takes the broker off the network (fault injection): produces and fetches fail until <see cref="SetUp"/>.</summary>
    public void SetDown() => MockClusterNative.rd_kafka_mock_broker_set_down(_cluster, 1);

    public void SetUp() => MockClusterNative.rd_kafka_mock_broker_set_up(_cluster, 1);

    /// <summary>Fault injection: every response waits <paramref name="rtt"/> before it is sent (zero: at once again).</summary>
    public void SetRoundTripTime(TimeSpan rtt) => Check(MockClusterNative.rd_kafka_mock_broker_set_rtt(_cluster, 1, (int)rtt.TotalMilliseconds), "set_rtt");

    /// <summary>
    /// Fault injection: the next requests of <paramref name="api"/> fail, one error each in turn, and are not
    /// carried out (a failed produce appends nothing).
    /// </summary>
    public void FailNextRequests(KafkaApi api, params ErrorCode[] errors)
    {
        var codes = errors.Select(e => (int)e).ToArray();
        fixed (int* first = codes) MockClusterNative.rd_kafka_mock_push_request_errors_array(_cluster, (short)api, (nuint)codes.Length, first);
    }

    /// <summary>
    /// Fault injection on the broker: its next requests of <paramref name="api"/> are answered, in turn, with
    /// each error after its delay (<see cref="ErrorCode.NoError"/>: carried out, only late).
    /// </summary>
    public void AnswerNextRequests(KafkaApi api, params (ErrorCode Error, TimeSpan Delay)[] answers)
    {
        if (OperatingSystem.IsMacOS() && RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
            throw new PlatformNotSupportedException("rd_kafka_mock_broker_push_request_error_rtts is variadic; Apple silicon passes variadic arguments differently.");
        foreach (var (error, delay) in answers)
            Check(MockClusterNative.rd_kafka_mock_broker_push_request_error_rtts(_cluster, 1, (short)api, 1, (int)error, (int)delay.TotalMilliseconds),
                "push_request_error_rtts");
    }

    /// <summary>How many of the answers <see cref="AnswerNextRequests"/> set up are still waiting for their request.</summary>
    public int AnswersLeft(KafkaApi api)
    {
        nuint count;
        Check(MockClusterNative.rd_kafka_mock_broker_error_stack_cnt(_cluster, 1, (short)api, &count), "error_stack_cnt");
        return (int)count;
    }

    private static void Check(int error, string call)
    {
        if (error != 0) throw new InvalidOperationException($"rd_kafka_mock_broker_{call} failed with librdkafka error {(ErrorCode)error}.");
    }

    public void Dispose()
    {
        _forwarder?.Dispose();
        var cluster = Interlocked.Exchange(ref _cluster, 0);
        if (cluster != 0) MockClusterNative.rd_kafka_mock_cluster_destroy(cluster);
        var handle = Interlocked.Exchange(ref _handle, 0);
        if (handle != 0) MockClusterNative.rd_kafka_destroy(handle);
    }
}

/// <summary>Kafka protocol API keys whose requests the embedded broker can be told to fail (the protocol's numbering).</summary>
public enum KafkaApi : short
{
    Produce = 0,
    Fetch = 1,
    Metadata = 3,
    OffsetCommit = 8,
    Heartbeat = 12,
    InitProducerId = 22,
}
