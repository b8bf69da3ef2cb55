using System.Diagnostics;
using System.Net.Sockets;

namespace Chat.Testing;

/// <summary>
/// One service run as its own OS process from its build output (<c>dotnet src/X/bin/.../Chat.X.dll</c>),
/// configured by environment variables exactly as distributed mode is. <see cref="Kill"/> is kill -9.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServiceProcess(string name, Process process, Uri address)
    {
        Name = name;
        _process = process;
        Address = address;
    }

    public string Name { get; }
    public Uri Address { get; }
    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_output) return string.Join('\n', _output.TakeLast(60)); }
    }

    /// <param name="port">Where it listens; a restarted service keeps its predecessor's, so clients find it again.</param>
    public static async Task<ServiceProcess> StartAsync(string service, IDictionary<string, string?> environment, string? name = null, int? port = null)
    {
        port ??= FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var info = new ProcessStartInfo("dotnet", [DllOf(service), "--urls", address.ToString()])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (key, value) in TestLimits.AsEnvironment) info.Environment[key] = value;
        foreach (var (key, value) in environment) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {service}.");
        var started = new ServiceProcess(name ?? service, process, address);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (started._output) started._output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (started._output) started._output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"{started.Name} exited with {process.ExitCode}:\n{started.Output}");
            try
            {
                if ((await http.GetAsync("/health/live")).IsSuccessStatusCode) return started;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        await started.DisposeAsync();
        throw new TimeoutException($"{started.Name} did not answer /health/live within 60 s:\n{started.Output}");
    }

    /// <summary>Runs a service that is expected to stop by itself (refusing its settings, say): its exit code and every line it printed.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Output)> RunToExitAsync(string service, IDictionary<string, string?> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("dotnet", [DllOf(service), "--urls", $"http://127.0.0.1:{FreePort()}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (key, value) in TestLimits.AsEnvironment) info.Environment[key] = value;
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {service}.");
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            lock (output) throw new TimeoutException($"{service} was still running after {timeout.TotalSeconds:0} s:\n{string.Join('\n', output)}");
        }
        process.WaitForExit(); // the output of a process that exited is complete only after this
        lock (output) return (process.ExitCode, output.ToList());
    }

    /// <summary>SIGTERM, as an orchestrator stops a service: it drains and exits by itself (<see cref="WaitForExitAsync"/>).</summary>
    public void Terminate()
    {
        if (kill(_process.Id, 15) != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed.");
    }

    /// <summary>Waits for the process to end; its exit code, with every line it printed collected.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} was still running {timeout.TotalSeconds:0} s after being asked to stop:\n{Output}");
        }
        _process.WaitForExit(); // the output of a process that exited is complete only after this
        return _process.ExitCode;
    }

    /// <summary>Every line the process printed so far (<see cref="Output"/> keeps only the last ones).</summary>
    public IReadOnlyList<string> AllOutput
    {
        get { lock (_output) return _output.ToList(); }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>SIGKILL: no shutdown, no offset commit, no goodbye to the consumer group.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    /// <summary>The service's own build output, of the configuration these tests were built in.</summary>
    private static string DllOf(string service)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(RepositoryRoot.Path, "src", service, "bin", configuration, "net10.0", $"Chat.{service}.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing: build the solution in {configuration} first.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
