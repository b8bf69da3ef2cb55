using System.Diagnostics;
using System.Text.Json.Nodes;
using Chat.Storage;
using Xunit.Abstractions;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Issue 15: in distributed mode, under load, each worker killed (kill -9) in turn, and a rolling
/// SIGTERM restart of all of them. Every accepted message is stored once and in order, the online
/// recipient gets each one, each webhook event is delivered, and no connector sends one twice.
/// <c>CHAT_CRASH_RATE</c> (messages/s, default 60) sets the load, to measure at a higher one.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class ServiceCrashTests(DistributedSystem system, ITestOutputHelper output) : IClassFixture<DistributedSystem>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(30);
    private static readonly double Rate = double.TryParse(Environment.GetEnvironmentVariable("CHAT_CRASH_RATE"), out var rate) ? rate : 60;

    [Fact]
    public async Task Each_worker_killed_in_turn_under_load_loses_nothing_and_repeats_only_sends_in_flight()
    {
        await using var world = await World.StartAsync(system, "kill", 1001);
        foreach (var worker in new[] { "frontend", "router-1", "connectors", "webhooks", "node-1" })
        {
            var before = world.Load.AcceptedCount;
            await system.KillAndRestartAsync(worker);
            await Eventually.UntilAsync(() => world.Load.AcceptedCount >= before + 20, Deadline, $"messages accepted again after {worker}'s kill");
        }
        // A send Telegram answered in the instant before kill -9 of the connectors, not yet recorded, is sent again on
        // restart: the Bot API has no idempotency key, so a hard crash is at-least-once for the few sends in flight.
        await world.StopAndCheckAsync(output, inFlightResends: 5);
    }

    // Once failed 1 of 5 runs, its output lost. The likely cause, shown alone in ConnectorRestartTests: the Connectors' SIGTERM
    // cancelled a send Telegram had already taken, and the restarted worker sent it again. A stopping consumer now finishes its batch.
    [Fact]
    public async Task A_rolling_restart_of_every_worker_under_load_loses_nothing_and_sends_nothing_twice()
    {
        await using var world = await World.StartAsync(system, "roll", 1002);
        var clock = Stopwatch.StartNew();
        foreach (var worker in DistributedSystem.Workers) await system.StopAndRestartAsync(worker);
        output.WriteLine($"Rolling SIGTERM restart of {DistributedSystem.Workers.Length} workers under {Rate}/s: {clock.Elapsed.TotalSeconds:0.0} s");
        await world.StopAndCheckAsync(output);
    }

    /// <summary>One scenario's users, conversations, load and online recipient.</summary>
    private sealed class World : IAsyncDisposable
    {
        private readonly DistributedSystem _system;
        private readonly List<string> _conversations;
        private readonly OnlineRecipient _bob;
        private readonly string _bobName;

        private World(DistributedSystem system, SteadyLoad load, List<string> conversations, OnlineRecipient bob, string bobName)
        {
            _system = system;
            Load = load;
            _conversations = conversations;
            _bob = bob;
            _bobName = bobName;
        }

        public SteadyLoad Load { get; }

        /// <param name="telegramChat">Bob's Telegram chat id (a number, as Telegram's are).</param>
        public static async Task<World> StartAsync(DistributedSystem system, string prefix, long telegramChat)
        {
            var alice = await system.UserAsync($"{prefix}-alice");
            var bob = await system.UserAsync($"{prefix}-bob");
            await system.MapToTelegramAsync(bob.Username!, telegramChat.ToString());
            using var webhooks = new ApiClient(new HttpClient { BaseAddress = system.AddressOf("webhooks") }).ActingAs(alice);
            await ApiClient.ExpectAsync(await webhooks.PostJsonAsync("/v1/webhooks", new { url = system.Webhooks.Url.ToString(), events = new[] { "message.status" } }),
                System.Net.HttpStatusCode.Created);
            var conversations = new List<string>();
            for (var i = 0; i < 12; i++) conversations.Add(await alice.CreateConversationAsync("group", alice.Username!, bob.Username!));
            var online = new OnlineRecipient(bob, [system.AddressOf("node-1"), system.AddressOf("node-2")]);
            await Eventually.UntilAsync(() => online.Connections > 0, Deadline, "bob online");
            var load = new SteadyLoad(alice, conversations, Rate, ["app", "telegram"]);
            load.Start();
            await Eventually.UntilAsync(() => load.AcceptedCount >= 50, Deadline, "the load under way");
            return new World(system, load, conversations, online, bob.Username!);
        }

        /// <param name="inFlightResends">How many Telegram sends may repeat (in flight when a worker was killed); a graceful stop repeats none.</param>
        public async Task StopAndCheckAsync(ITestOutputHelper output, int inFlightResends = 0)
        {
            await Load.StopAsync();
            var accepted = Load.Accepted.Values.SelectMany(ids => ids).ToList();
            output.WriteLine($"{accepted.Count} messages accepted");
            var store = Stores.OpenMessageStore(_system.DataDir);
            // Each backlog may drain slowly on a busy machine; a check fails once its count stops falling for Stall.
            await Eventually.UntilNoneLeftAsync(async () => await NotStoredAsync(store), Stall, "every accepted message stored");
            foreach (var conversation in _conversations)
                Assert.Null(Load.ProblemWith(conversation, await StoredTextsAsync(store, conversation)));
            await Eventually.UntilNoneLeftAsync(() => Task.FromResult(accepted.Count(id => !_bob.Received.ContainsKey(id))), Stall, "every message on bob's socket");
            await Eventually.UntilNoneLeftAsync(() => Task.FromResult(accepted.Except(SentOnApp(_system.Webhooks)).Count()), Stall,
                "a webhook event of each message's app delivery");
            await Eventually.UntilNoneLeftAsync(() => Task.FromResult(UnsentToTelegram(accepted)), Stall, "each message sent to Telegram");
            var twice = _system.Telegram.Calls.Where(c => c.Answered).GroupBy(c => c.Text).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            Assert.True(twice.Count <= inFlightResends, $"{twice.Count} sent to Telegram twice (at most {inFlightResends} may be), e.g. {twice.FirstOrDefault()}");
            output.WriteLine($"{twice.Count} Telegram sends repeated after a crash");
            output.WriteLine($"bob connected {_bob.Connections} times; {_system.Telegram.Calls.Count} Telegram calls");
        }

        private int UnsentToTelegram(List<string> accepted)
        {
            var answered = _system.Telegram.Calls.Where(c => c.Answered).Select(c => c.Text).ToHashSet();
            return accepted.Count(id => !answered.Contains(id));
        }

        private async Task<int> NotStoredAsync(IMessageStore store)
        {
            var missing = 0;
            foreach (var conversation in _conversations)
            {
                var stored = (await StoredTextsAsync(store, conversation)).ToHashSet();
                missing += Load.Accepted.GetValueOrDefault(conversation)?.Count(id => !stored.Contains(id)) ?? 0;
            }
            return missing;
        }

        private static async Task<List<string>> StoredTextsAsync(IMessageStore store, string conversation) =>
            (await store.GetMessagesAsync(conversation, 0, 100_000)).Select(m => m.Payload.Text ?? "").ToList();

        private HashSet<string> SentOnApp(WebhookReceiver receiver) => receiver.Deliveries.Where(d => d.Status == 200)
            .Select(d => JsonNode.Parse(d.Body)!["data"]!)
            .Where(d => d["recipient"]?.GetValue<string>() == _bobName && d["channel"]?.GetValue<string>() == "app" && d["status"]?.GetValue<string>() == "sent")
            .Select(d => d["message_id"]!.GetValue<string>()).ToHashSet();

        public async ValueTask DisposeAsync()
        {
            await Load.DisposeAsync();
            await _bob.DisposeAsync();
        }
    }
}
