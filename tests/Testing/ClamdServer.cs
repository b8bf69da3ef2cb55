using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Chat.Testing;

/// <summary>
/// ClamAV's clamd (Debian's clamav-daemon), started by the test on a free loopback port with a
/// signature database of its own: the EICAR test file by its MD5 (what <c>sigtool --md5</c> writes)
/// and by its body anywhere in a file, since signature downloads are not possible here. It starts in
/// about a quarter of a second, so each test class runs its own.
/// </summary>
public sealed class ClamdServer : IAsyncDisposable
{
    public const string Clamd = "/usr/sbin/clamd";

    /// <summary>The standard antivirus test file (eicar.org): harmless, and every scanner reports it.</summary>
    public static readonly byte[] Eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"u8.ToArray();

    private readonly TempDirectory _directory = new();
    private readonly int _port;
    private Process? _process;

    private ClamdServer(int port) => _port = port;

    public string Address => $"127.0.0.1:{_port}";

    /// <summary>Starts clamd with its stream, file and scan limits at <paramref name="limit"/> bytes; null keeps Debian's (StreamMaxLength 25M).</summary>
    public static async Task<ClamdServer> StartAsync(long? limit)
    {
        if (!File.Exists(Clamd)) throw new InvalidOperationException($"{Clamd} is missing: apt-get install clamav-daemon (scripts/servers.sh does).");
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var server = new ClamdServer(port);
        var md5 = Convert.ToHexStringLower(MD5.HashData(Eicar));
        File.WriteAllText(Path.Combine(server._directory.Path, "test.hdb"), $"{md5}:{Eicar.Length}:eicar.txt\n");
        File.WriteAllText(Path.Combine(server._directory.Path, "test.ndb"), $"Eicar-Test-Body:0:*:{Convert.ToHexStringLower(Eicar)}\n");
        await server.StartAgainAsync(limit);
        return server;
    }

    /// <summary>(Re)starts clamd on the same port, with <paramref name="limit"/> as in <see cref="StartAsync"/>.</summary>
    public async Task StartAgainAsync(long? limit)
    {
        await StopAsync();
        var config = new StringBuilder($"""
            Foreground yes
            DatabaseDirectory {_directory.Path}
            TCPSocket {_port}
            TCPAddr 127.0.0.1
            LogFile {Path.Combine(_directory.Path, "clamd.log")}

            """);
        if (limit is { } bytes)
            foreach (var setting in new[] { "StreamMaxLength", "MaxFileSize", "MaxScanSize" }) config.AppendLine($"{setting} {bytes}");
        else
            // Debian's clamd.conf as installed.
            config.AppendLine("StreamMaxLength 25M").AppendLine("MaxFileSize 25M");
        var path = Path.Combine(_directory.Path, "clamd.conf");
        await File.WriteAllTextAsync(path, config.ToString());
        _process = Process.Start(new ProcessStartInfo(Clamd, ["-c", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.UntilAsync(PingAsync, up => up || _process.HasExited, TimeSpan.FromSeconds(30), "clamd to answer PING");
        if (_process.HasExited) throw new InvalidOperationException("clamd exited: " + File.ReadAllText(Path.Combine(_directory.Path, "clamd.log")));
    }

    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } running) return;
        running.Kill();
        await running.WaitForExitAsync();
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, _port);
            await client.GetStream().WriteAsync("zPING\0"u8.ToArray());
            var answer = new byte[8];
            var read = await client.GetStream().ReadAsync(answer);
            return Encoding.ASCII.GetString(answer, 0, read).StartsWith("PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _directory.Dispose();
    }
}
