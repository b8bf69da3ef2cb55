using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Chat.Web.Tests;

/// <summary>
/// One Host, the nginx gateway in front of it (TLS, the project's nginx/ config) and one Chromium for
/// every browser test; each test opens its own contexts (one per person: separate cookies and storage).
/// </summary>
public sealed class WebFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The one admin of the server (Auth:Admins), signed up on first use by <see cref="AdminAsync"/>.</summary>
    public const string Admin = "webroot";

    private Process? _nginx;
    private TempDirectory? _nginxDir;
    private readonly ConcurrentQueue<string> _nginxLog = new();

    public ChatServer Server { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public Uri Gateway { get; private set; } = null!;

    /// <summary>Set when Chromium is missing outside CI (under CI=true that fails the fixture instead).</summary>
    public string? SkipReason { get; private set; }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
                throw new InvalidOperationException($"{ChromiumPath} is missing: scripts/servers.sh installs Debian's chromium package.");
            SkipReason = $"{ChromiumPath} is missing (apt-get install chromium).";
            return;
        }
        Assertions.SetDefaultExpectTimeout(15_000);
        // The notifications test registers a loopback push endpoint (the browser's own push service is not reachable here).
        Server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Notifications:AllowInsecureTargets"] = "true", ["Auth:Admins:0"] = Admin });
        _admin = new(() => Server.Client().SignUpAsync(Admin));
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Args = ["--no-sandbox", "--ignore-certificate-errors"] }); // the gateway's certificate is self-signed; a service worker script is fetched past IgnoreHTTPSErrors
        await StartGatewayAsync();
    }

    private Lazy<Task<ApiClient>> _admin = null!;

    /// <summary>The admin, for the tests that repair (tests share the server: it signs up once).</summary>
    public Task<ApiClient> AdminAsync() => _admin.Value;

    /// <summary>A person's own browser: desktop size unless told, downloads kept, the gateway's self-signed certificate trusted.</summary>
    public Task<IBrowserContext> NewPersonAsync(Uri? baseUrl = null, int width = 1200, int height = 800) =>
        Browser.NewContextAsync(new()
        {
            BaseURL = (baseUrl ?? Server.BaseAddress).ToString(),
            ViewportSize = new() { Width = width, Height = height },
            AcceptDownloads = true,
            IgnoreHTTPSErrors = true,
        });

    /// <summary>Real nginx with the shipped config; every upstream is the one Host.</summary>
    private async Task StartGatewayAsync()
    {
        _nginxDir = new TempDirectory();
        var source = Path.Combine(RepositoryRoot.Path, "nginx");
        foreach (var file in Directory.GetFiles(source, "*.conf")) File.Copy(file, Path.Combine(_nginxDir.Path, Path.GetFileName(file)));
        var host = $"127.0.0.1:{Server.BaseAddress.Port}";
        File.WriteAllText(Path.Combine(_nginxDir.Path, "upstreams.conf"), string.Join("\n",
            new[] { "frontend", "auth", "presence", "files", "webhooks", "connectors", "notifications", "keys" }.Select(s => $"upstream chat_{s} {{ server {host}; keepalive 8; }}")));
        var port = ServiceProcess.FreePort();
        File.WriteAllText(Path.Combine(_nginxDir.Path, "listen.conf"),
            File.ReadAllText(Path.Combine(source, "listen.conf")).Replace("listen 8443 ", $"listen 127.0.0.1:{port} "));
        using (var cert = Process.Start(new ProcessStartInfo("bash", [Path.Combine(source, "make-dev-cert.sh"), Path.Combine(_nginxDir.Path, "certs")])
        { RedirectStandardOutput = true, RedirectStandardError = true })!)
        {
            await cert.WaitForExitAsync();
            if (cert.ExitCode != 0) throw new InvalidOperationException("make-dev-cert.sh: " + await cert.StandardError.ReadToEndAsync());
        }
        _nginx = new Process
        {
            StartInfo = new ProcessStartInfo(TestServers.Nginx)
            {
                ArgumentList = { "-p", _nginxDir.Path, "-c", Path.Combine(_nginxDir.Path, "nginx.conf"), "-g", $"daemon off; pid {_nginxDir.Path}/nginx.pid; error_log {_nginxDir.Path}/error.log warn;" },
                RedirectStandardOutput = true, RedirectStandardError = true,
            },
        };
        _nginx.OutputDataReceived += (_, e) => { if (e.Data is not null) _nginxLog.Enqueue(e.Data); };
        _nginx.ErrorDataReceived += (_, e) => { if (e.Data is not null) _nginxLog.Enqueue("stderr: " + e.Data); };
        _nginx.Start();
        _nginx.BeginOutputReadLine();
        _nginx.BeginErrorReadLine();
        Gateway = new Uri($"https://127.0.0.1:{port}");
        using var probe = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }) { BaseAddress = Gateway };
        await Eventually.UntilAsync(async () =>
        {
            if (_nginx.HasExited) throw new InvalidOperationException("nginx exited: " + string.Join("\n", _nginxLog));
            try { return (await probe.GetAsync("/healthz")).StatusCode; } catch (HttpRequestException) { return HttpStatusCode.ServiceUnavailable; }
        }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(20), "nginx to answer");
    }

    public async Task DisposeAsync()
    {
        if (_nginx is { HasExited: false }) _nginx.Kill(entireProcessTree: true);
        if (_nginx is not null) await _nginx.WaitForExitAsync();
        _nginxDir?.Dispose();
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebFixture>
{
    public const string Name = "web";
}
