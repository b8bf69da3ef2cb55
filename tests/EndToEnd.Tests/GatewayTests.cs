using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace Chat.EndToEnd.Tests;

/// <summary>Real nginx (Debian's package) with the project's gateway config (nginx/), in front of a running Host over TLS.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private Process _nginx = null!;
    private TempDirectory _dir = null!;

    public ChatServer Server { get; private set; } = null!;
    public Uri Gateway { get; private set; } = null!;
    public ConcurrentQueue<string> AccessLog { get; } = new();

    /// <summary>The per-client rate nginx/nginx.conf ships with, a second.</summary>
    public const int ShippedRatePerSecond = 1000;

    public async Task InitializeAsync()
    {
        Server = await ChatServer.StartAsync();
        _dir = new TempDirectory();
        var source = Path.Combine(RepositoryRoot.Path, "nginx");
        foreach (var file in Directory.GetFiles(source, "*.conf")) File.Copy(file, Path.Combine(_dir.Path, Path.GetFileName(file)));
        // The shipped allowance refills one request a millisecond, faster than one test client can spend it;
        // refilled per minute instead (same burst), the bucket's edge can be reached and seen.
        var conf = Path.Combine(_dir.Path, "nginx.conf");
        File.WriteAllText(conf, File.ReadAllText(conf).Replace($"rate={ShippedRatePerSecond}r/s", $"rate={ShippedRatePerSecond}r/m"));
        var host = $"127.0.0.1:{Server.BaseAddress.Port}";
        // Every service is the one Host here.
        File.WriteAllText(Path.Combine(_dir.Path, "upstreams.conf"), string.Join("\n",
            new[] { "frontend", "auth", "presence", "files", "webhooks", "connectors", "notifications", "keys" }.Select(s => $"upstream chat_{s} {{ server {host}; keepalive 8; }}")));
        var port = ServiceProcess.FreePort();
        File.WriteAllText(Path.Combine(_dir.Path, "listen.conf"),
            File.ReadAllText(Path.Combine(source, "listen.conf")).Replace("listen 8443 ", $"listen 127.0.0.1:{port} "));
        Run("bash", Path.Combine(source, "make-dev-cert.sh"), Path.Combine(_dir.Path, "certs"));

        _nginx = new Process
        {
            StartInfo = new ProcessStartInfo(TestServers.Nginx)
            {
                ArgumentList = { "-p", _dir.Path, "-c", Path.Combine(_dir.Path, "nginx.conf"), "-g", $"daemon off; pid {_dir.Path}/nginx.pid; error_log {_dir.Path}/error.log warn;" },
                RedirectStandardOutput = true, RedirectStandardError = true,
            },
        };
        _nginx.OutputDataReceived += (_, e) => { if (e.Data is not null) AccessLog.Enqueue(e.Data); };
        _nginx.ErrorDataReceived += (_, e) => { if (e.Data is not null) AccessLog.Enqueue("stderr: " + e.Data); };
        _nginx.Start();
        _nginx.BeginOutputReadLine();
        _nginx.BeginErrorReadLine();
        Gateway = new Uri($"https://127.0.0.1:{port}");
        using var probe = Http();
        await Eventually.UntilAsync(async () =>
        {
            if (_nginx.HasExited) throw new InvalidOperationException("nginx exited: " + string.Join("\n", AccessLog) + File.ReadAllText(Path.Combine(_dir.Path, "error.log")));
            try { return (await probe.GetAsync("/healthz")).StatusCode; } catch (HttpRequestException) { return HttpStatusCode.ServiceUnavailable; }
        }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(20), "nginx to answer");
    }

    /// <summary>A client of the gateway that trusts its self-signed certificate.</summary>
    public HttpClient Http() =>
        new(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }) { BaseAddress = Gateway };

    private static void Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {process.StandardError.ReadToEnd()}");
    }

    public async Task DisposeAsync()
    {
        if (!_nginx.HasExited) _nginx.Kill(entireProcessTree: true);
        await _nginx.WaitForExitAsync();
        await Server.DisposeAsync();
        _dir.Dispose();
    }
}

public sealed class GatewayTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task Requests_and_a_WebSocket_pass_through_the_gateway_with_security_headers_and_request_ids()
    {
        var alice = await new ApiClient(fixture.Http()).SignUpAsync("gwalice");
        var bob = await new ApiClient(fixture.Http()).SignUpAsync("gwbob");
        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        await using var socket = await ChatSocket.ConnectAsync(fixture.Gateway, bob.AccessToken, configure: o =>
            o.RemoteCertificateValidationCallback = (_, _, _, _) => true);
        var id = await alice.SendTextAsync(conversation, "through nginx");
        Assert.Equal(id, (await socket.MessagesAsync(1))[0]["message_id"]!.GetValue<string>());

        var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/messages/{id}/status");
        request.Headers.Add("X-Request-Id", "trace-me-123");
        var response = await alice.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("trace-me-123", Assert.Single(response.Headers.GetValues("X-Request-Id")));
        Assert.Contains("max-age=", Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        await Eventually.UntilAsync(() => fixture.AccessLog.Any(l => l.Contains("\"request_id\":\"trace-me-123\"") && l.Contains("\"status\":200")),
            TimeSpan.FromSeconds(10), "the access log line with the request id");

        // Without an id of its own, a request gets one from the gateway.
        var generated = await alice.Http.GetAsync($"/v1/messages/{id}/status");
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(generated.Headers.GetValues("X-Request-Id")));
    }

    [Fact]
    public async Task The_group_endpoints_pass_through_the_gateway()
    {
        var alice = await new ApiClient(fixture.Http()).SignUpAsync("gwgalice");
        var bob = await new ApiClient(fixture.Http()).SignUpAsync("gwgbob");
        var carol = await new ApiClient(fixture.Http()).SignUpAsync("gwgcarol");
        var group = await alice.CreateConversationAsync("group", bob.Username!);

        Assert.Equal(HttpStatusCode.OK, (await alice.Http.GetAsync($"/v1/conversations/{group}")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await alice.Http.PatchAsJsonAsync($"/v1/conversations/{group}", new { title = "via nginx" })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await alice.PostJsonAsync($"/v1/conversations/{group}/members", new { username = carol.Username })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await alice.Http.PutAsJsonAsync($"/v1/conversations/{group}/members/{bob.Username}", new { role = "admin" })).StatusCode);
        // The Router applies changes in order: wait for carol to be a member before removing her.
        await Eventually.UntilAsync(async () => (await alice.GetJsonAsync($"/v1/conversations/{group}"))["members"]!.AsArray().Count,
            n => n == 3, TimeSpan.FromSeconds(30), "carol added");
        Assert.Equal(HttpStatusCode.Accepted, (await alice.Http.DeleteAsync($"/v1/conversations/{group}/members/{carol.Username}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Http.PutAsync($"/v1/conversations/{group}/archive", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Http.DeleteAsync($"/v1/conversations/{group}/archive")).StatusCode);
    }

    [Fact]
    public async Task A_preflight_from_an_allowed_origin_gets_the_CORS_headers_and_another_origin_does_not()
    {
        using var http = fixture.Http();
        HttpRequestMessage Preflight(string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, "/v1/messages");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");
            return request;
        }
        var allowed = await http.SendAsync(Preflight("http://localhost:3000"));
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("http://localhost:3000", Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Methods")));
        Assert.Contains("authorization", Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Headers")));
        Assert.True(allowed.Headers.Contains("Access-Control-Max-Age"));

        var refused = await http.SendAsync(Preflight("https://evil.example"));
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Request_1001_within_a_minute_from_one_client_gets_429_with_Retry_After_and_others_are_unaffected()
    {
        using var http = fixture.Http();
        var key = "client-" + Guid.NewGuid().ToString("N");
        async Task<HttpResponseMessage> CallAsync(string apiKey)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/v1/presence/nobody");
            request.Headers.Add("X-Api-Key", apiKey);
            return await http.SendAsync(request);
        }

        var clock = Stopwatch.StartNew();
        for (var i = 1; i <= 1000; i++)
        {
            var response = await CallAsync(key);
            Assert.True(response.StatusCode != HttpStatusCode.TooManyRequests, $"request {i} of the first 1,000 was limited");
        }
        // The limit is a leaky bucket: 1,000 at once, then one more per 60 ms. So the next few may
        // still pass, as many as the time spent so far allows, and then the answer is 429.
        // Sent at once, so the bucket cannot drain between them however slow this machine is.
        var allowance = (int)(clock.ElapsedMilliseconds / 60) + 1;
        var extras = await Task.WhenAll(Enumerable.Range(0, allowance + 20).Select(_ => CallAsync(key)));
        var limited = extras.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), "all of this within a minute");
        Assert.Equal("60", Assert.Single(limited.Headers.GetValues("Retry-After")));
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1000", Assert.Single(limited.Headers.GetValues("RateLimit-Limit")));
        Assert.Equal("0", Assert.Single(limited.Headers.GetValues("RateLimit-Remaining")));
        Assert.Equal("60", Assert.Single(limited.Headers.GetValues("RateLimit-Reset")));
        Assert.False(limited.Headers.Contains("X-RateLimit-Limit"));

        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await CallAsync("another-" + key)).StatusCode);
    }

    [Fact]
    public void The_shipped_per_client_allowance_is_at_least_an_integrators_send_limit()
    {
        var conf = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "nginx", "nginx.conf"));
        var rate = System.Text.RegularExpressions.Regex.Match(conf, @"zone=chat_clients:\w+ rate=(\d+)r/s");
        Assert.True(rate.Success, "the chat_clients zone's rate is per second");
        Assert.Equal(GatewayFixture.ShippedRatePerSecond, int.Parse(rate.Groups[1].Value));
        Assert.True(GatewayFixture.ShippedRatePerSecond * 60 >= new Chat.Shared.RateLimits.LimitsOptions().ClientSendPerMinute);
    }

    [Fact]
    public async Task Read_cursors_unread_counts_and_blocks_are_routed()
    {
        var alice = await new ApiClient(fixture.Http()).SignUpAsync("gwreader");
        var bob = await new ApiClient(fixture.Http()).SignUpAsync("gwblocked");
        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        await alice.SendTextAsync(conversation, "count me");
        await Eventually.UntilAsync(() => bob.GetJsonAsync("/v1/unread"), u => u["total"]!.GetValue<long>() == 1, TimeSpan.FromSeconds(20), "bob's unread, through nginx");

        Assert.Equal(HttpStatusCode.Accepted, (await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { up_to_seq = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.Http.PutAsync("/v1/blocks/gwblocked", null)).StatusCode);
        var blocks = await alice.GetJsonAsync("/v1/blocks");
        Assert.Equal("gwblocked", blocks["items"]![0]!["username"]!.GetValue<string>());
        var unblocked = await alice.Http.DeleteAsync("/v1/blocks/gwblocked");
        Assert.Equal(HttpStatusCode.NoContent, unblocked.StatusCode);
        Assert.Contains("1000;w=1", Assert.Single(unblocked.Headers.GetValues("RateLimit-Policy")));
        await Eventually.UntilAsync(() => bob.GetJsonAsync("/v1/unread"), u => u["total"]!.GetValue<long>() == 0, TimeSpan.FromSeconds(20), "read, through nginx");
    }

    [Fact]
    public async Task Stars_search_and_history_backwards_are_routed()
    {
        var alice = await new ApiClient(fixture.Http()).SignUpAsync("gwfinder");
        var bob = await new ApiClient(fixture.Http()).SignUpAsync("gwfound");
        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        var id = await alice.SendTextAsync(conversation, "find the wombat");
        await Eventually.UntilAsync(() => bob.GetJsonAsync($"/v1/conversations/{conversation}/messages?before_seq=100"), p => p["items"]!.AsArray().Count == 1,
            TimeSpan.FromSeconds(20), "history backwards, through nginx");

        Assert.Equal(HttpStatusCode.OK, (await bob.Http.PutAsync($"/v1/messages/{id}/star", null)).StatusCode);
        Assert.Equal(id, (await bob.GetJsonAsync("/v1/starred"))["items"]![0]!["message"]!["message_id"]!.GetValue<string>());
        Assert.Equal(id, (await bob.GetJsonAsync("/v1/search/messages?q=wombat"))["items"]![0]!["message"]!["message_id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await bob.Http.DeleteAsync($"/v1/messages/{id}/star")).StatusCode);
    }
}
