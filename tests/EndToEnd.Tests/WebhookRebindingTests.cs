using System.Collections.Concurrent;
using System.Net;
using Chat.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// DNS rebinding (issue 14, item 5): a name public when registered that resolves to 127.0.0.1 when
/// delivered to. The same setup with loopback allowed reaches the receiver, so a refusal is the
/// guard's doing, not a client that cannot connect.
/// </summary>
public sealed class WebhookRebindingTests
{
    private const string RebindingHost = "rebind.test";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_host_rebound_to_loopback_after_registration_gets_no_delivery_and_the_log_says_why()
    {
        var (resolver, logs) = (new RebindingResolver(), new CapturedLogs());
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await StartAsync(resolver, logs, allowLoopback: false);

        var (alice, webhook) = await RegisterThenRebindAsync(server, resolver, receiver);
        await SendAsync(alice, "rebound");

        var delivery = await Eventually.UntilAsync(async () => (await alice.GetJsonAsync($"/v1/webhooks/{webhook}/deliveries"))["items"]!.AsArray(),
            items => items.Count == 1 && items[0]!["state"]!.GetValue<string>() == "failed", Deadline, "the delivery to fail");
        var error = delivery[0]!["attempt_log"]![0]!["error"]!.GetValue<string>();
        Assert.Contains("127.0.0.1", error);
        Assert.Contains("loopback", error);
        Assert.Empty(receiver.Deliveries);
        Assert.Contains(logs.Warnings, w => w.Contains(RebindingHost) && w.Contains("127.0.0.1"));
    }

    [Fact]
    public async Task The_same_rebound_host_is_delivered_to_when_loopback_targets_are_allowed()
    {
        var (resolver, logs) = (new RebindingResolver(), new CapturedLogs());
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await StartAsync(resolver, logs, allowLoopback: true);

        var (alice, webhook) = await RegisterThenRebindAsync(server, resolver, receiver);
        await SendAsync(alice, "allowed");

        await Eventually.UntilAsync(async () => (await alice.GetJsonAsync($"/v1/webhooks/{webhook}/deliveries"))["items"]!.AsArray(),
            items => items.Count == 1 && items[0]!["state"]!.GetValue<string>() == "succeeded", Deadline, "the delivery to succeed");
        Assert.Single(receiver.Deliveries);
        Assert.True(resolver.Lookups > 1, "the delivery resolved the host again rather than reuse the registration's answer");
    }

    private static Task<ChatServer> StartAsync(RebindingResolver resolver, CapturedLogs logs, bool allowLoopback) => ChatServer.StartAsync(
        new Dictionary<string, string?>
        {
            ["Webhooks:AllowLoopbackTargets"] = allowLoopback ? "true" : "false",
            ["Webhooks:RetrySchedule"] = "0s", // one attempt: the delivery's state is that attempt's outcome
        },
        builder =>
        {
            builder.Services.AddSingleton<IHostResolver>(resolver);
            builder.Logging.AddProvider(logs);
        });

    /// <summary>Registers <c>http://rebind.test:port/hook</c> while it resolves to a public address, then points it at the receiver on 127.0.0.1.</summary>
    private static async Task<(ApiClient Alice, string WebhookId)> RegisterThenRebindAsync(ChatServer server, RebindingResolver resolver, WebhookReceiver receiver)
    {
        var alice = await server.Client().SignUpAsync("alicerebind");
        await server.Client().SignUpAsync("bobrebind");
        resolver.Address = IPAddress.Parse("93.184.215.14"); // public: registration accepts it even with loopback refused
        var url = new UriBuilder(receiver.Url) { Host = RebindingHost }.Uri;
        var created = await ApiClient.ExpectAsync(await alice.PostJsonAsync("/v1/webhooks", new { url = url.ToString(), events = new[] { "message.status" } }),
            HttpStatusCode.Created);
        resolver.Address = IPAddress.Loopback;
        return (alice, created["webhook_id"]!.GetValue<string>());
    }

    private static async Task SendAsync(ApiClient alice, string text) =>
        await alice.SendTextAsync(await alice.CreateConversationAsync("direct", "bobrebind"), text);

    /// <summary>Answers <see cref="Address"/> for rebind.test, whatever it is at the moment of asking; other names from DNS.</summary>
    private sealed class RebindingResolver : IHostResolver
    {
        private int _lookups;

        public volatile IPAddress Address = IPAddress.None;

        public int Lookups => _lookups;

        public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
        {
            if (host != RebindingHost) return IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            Interlocked.Increment(ref _lookups);
            return [Address];
        }
    }

    /// <summary>The Host's warnings, as formatted text.</summary>
    private sealed class CapturedLogs : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Warnings { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) Warnings.Enqueue(formatter(state, exception));
        }

        public void Dispose() { }
    }
}
