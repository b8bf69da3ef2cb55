using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chat.Presence.Tests;

/// <summary>What every presence adapter and push bus must do; one subclass per adapter.</summary>
public abstract class PresenceContract
{
    protected abstract Dictionary<string, string?> Settings { get; }

    // Unique names per test: adapters may share one Redis across tests.
    protected readonly string User = "u" + Guid.NewGuid().ToString("N")[..12];

    protected IServiceProvider Open(TimeSpan? ttl = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Settings);
        if (ttl is { } t) builder.Configuration["Presence:Ttl"] = t.ToString();
        builder.Services.AddLogging();
        builder.AddPresencePorts();
        return builder.Build().Services;
    }

    [Fact]
    public async Task A_user_with_two_connections_stays_online_until_both_close()
    {
        var presence = Open().GetRequiredService<IPresence>();
        Assert.False((await presence.GetAsync(User)).Online);

        await presence.ConnectedAsync(User, "node-1", "c1");
        var both = await presence.ConnectedAsync(User, "node-2", "c2");
        Assert.Equal((true, 2), (both.Online, both.Connections));
        Assert.Equal(["node-1", "node-2"], both.Nodes.Order());

        var one = await presence.DisconnectedAsync(User, "node-1", "c1");
        Assert.Equal((true, 1, "node-2"), (one.Online, one.Connections, Assert.Single(one.Nodes)));
        var none = await presence.DisconnectedAsync(User, "node-2", "c2");
        Assert.False(none.Online);
        Assert.NotNull(none.LastSeen);
    }

    [Fact]
    public async Task Many_users_are_looked_up_at_once()
    {
        var presence = Open().GetRequiredService<IPresence>();
        await presence.ConnectedAsync(User, "node-1", "c1");
        var states = await presence.GetManyAsync([User, User + "-away"]);
        Assert.Equal([(User, true), (User + "-away", false)], states.Select(s => (s.Username, s.Online)));
    }

    [Fact]
    public async Task A_push_published_to_a_node_reaches_that_nodes_subscriber_only()
    {
        var bus = Open().GetRequiredService<IPushBus>();
        var mine = new TaskCompletionSource<IReadOnlyList<Push>>();
        var others = 0;
        using var a = bus.Subscribe(User + "-node-a", p => { mine.TrySetResult(p); return Task.CompletedTask; });
        using var b = bus.Subscribe(User + "-node-b", _ => { Interlocked.Increment(ref others); return Task.CompletedTask; });

        await bus.PublishAsync(User + "-node-a", [new Push([User], "{\"type\":\"pong\"}"u8.ToArray(), new PushedMessage("m1", "c1", 7))]);

        var got = Assert.Single(await mine.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([User], got.Usernames);
        Assert.Equal("{\"type\":\"pong\"}"u8.ToArray(), got.Frame);
        Assert.Equal(new PushedMessage("m1", "c1", 7), got.Message);
        Assert.Equal(0, others);
    }

    [Fact]
    public async Task A_heartbeat_keeps_a_socket_counted_once()
    {
        var presence = Open().GetRequiredService<IPresence>();
        await presence.ConnectedAsync(User, "node-1", "c1");
        await presence.HeartbeatAsync(User, "node-1", "c1");
        await presence.HeartbeatAsync(User, "node-1", "c1");

        var state = await presence.GetAsync(User);
        Assert.Equal((User, true, 1, "node-1"), (state.Username, state.Online, state.Connections, Assert.Single(state.Nodes)));
        Assert.False((await presence.DisconnectedAsync(User, "node-1", "c1")).Online);
    }

    [Fact]
    public async Task Pushes_to_a_node_arrive_in_the_order_they_were_published()
    {
        var bus = Open().GetRequiredService<IPushBus>();
        var received = new List<string>();
        var all = new TaskCompletionSource();
        using var node = bus.Subscribe(User + "-node", pushes =>
        {
            lock (received)
            {
                received.AddRange(pushes.SelectMany(p => p.Usernames));
                if (received.Count == 20) all.TrySetResult();
            }
            return Task.CompletedTask;
        });

        for (var i = 0; i < 10; i++) await bus.PublishAsync(User + "-node", [new Push([$"u{2 * i}"], "{}"u8.ToArray()), new Push([$"u{2 * i + 1}"], "{}"u8.ToArray())]);

        await all.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"u{i}"), received);
    }

    [Fact]
    public async Task A_subscription_once_disposed_gets_nothing_and_frees_the_node_for_its_successor()
    {
        var bus = Open().GetRequiredService<IPushBus>();
        var node = User + "-node";
        var stale = 0;
        bus.Subscribe(node, _ => { Interlocked.Increment(ref stale); return Task.CompletedTask; }).Dispose();
        var got = new TaskCompletionSource<string>();
        using var successor = bus.Subscribe(node, p => { got.TrySetResult(p[0].Usernames[0]); return Task.CompletedTask; });

        await bus.PublishAsync(node, [new Push([User], "{}"u8.ToArray())]);
        Assert.Equal(User, await got.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, stale);
        // Publishing to a node no one holds is not an error (its sockets are gone).
        await bus.PublishAsync(User + "-nobody", [new Push([User], "{}"u8.ToArray())]);
    }
}

public sealed class InMemoryPresenceTests : PresenceContract
{
    protected override Dictionary<string, string?> Settings => new() { ["Presence:Kind"] = "memory" };
}

public sealed class RedisPresenceTests : PresenceContract
{
    // Each test its own keys and channels in the shared Redis.
    private readonly string _keyPrefix = $"chat-test-{Guid.NewGuid():N}:";

    protected override Dictionary<string, string?> Settings => new() { ["Presence:Kind"] = "redis", ["Redis:Configuration"] = TestServers.Redis, ["Redis:KeyPrefix"] = _keyPrefix };

    [Fact]
    public async Task Presence_lapses_when_heartbeats_stop_and_lasts_while_they_come()
    {
        var presence = Open(ttl: TimeSpan.FromSeconds(1)).GetRequiredService<IPresence>();
        await presence.ConnectedAsync(User, "dead-node", "silent");
        await presence.ConnectedAsync(User + "-live", "live-node", "beating");

        using var stop = new CancellationTokenSource();
        var beating = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await presence.HeartbeatAsync(User + "-live", "live-node", "beating");
                await Task.Delay(200); // the heartbeat cadence under test, well inside the 1 s TTL
            }
        });
        await Eventually.UntilAsync(() => presence.GetAsync(User), s => !s.Online, TimeSpan.FromSeconds(10), "the silent user's presence to lapse");
        Assert.True((await presence.GetAsync(User + "-live")).Online);
        await stop.CancelAsync();
        await beating;
    }
}
