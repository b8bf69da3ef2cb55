using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Issue 14: a 202 is a promise even when the embedded Host is killed (kill -9) under load. The
/// Host runs as its own process on one data directory; each round sends ~500 messages/s, kills
/// it mid-stream, restarts it on the same data, and checks every id that got a 202.
/// </summary>
public sealed class CrashDurabilityTests : IAsyncLifetime
{
    private const int Rounds = 10;
    private const int Conversations = 16;
    private const double MessagesPerSecond = 500;

    private readonly TempDirectory _data = new();
    private ServiceProcess? _host;

    [Fact]
    public async Task Every_accepted_message_survives_kill_9_of_the_embedded_host()
    {
        _host = await StartHostAsync();
        using var auth = new ApiClient(new HttpClient { BaseAddress = _host.Address });
        await auth.SignUpAsync("crash-alice");
        using var bob = new ApiClient(new HttpClient { BaseAddress = _host.Address });
        await bob.SignUpAsync("crash-bob");

        for (var round = 1; round <= Rounds; round++)
        {
            using var alice = new ApiClient(new HttpClient { BaseAddress = _host.Address }).ActingAs(auth);
            var conversations = new List<string>();
            for (var c = 0; c < Conversations; c++) conversations.Add(await alice.CreateConversationAsync("group", "crash-alice", "crash-bob"));

            var accepted = await SendUntilKilledAsync(alice, conversations, TimeSpan.FromMilliseconds(Random.Shared.Next(1000)));
            Assert.True(accepted.Values.Sum(a => a.Count) > 300, $"round {round}: only {accepted.Values.Sum(a => a.Count)} messages got a 202 before the kill");

            _host = await StartHostAsync();
            using var after = new ApiClient(new HttpClient { BaseAddress = _host.Address }).ActingAs(auth);
            foreach (var (conversation, ids) in accepted)
                await Eventually.UntilAsync(() => ProblemWithAsync(after, conversation, ids), problem => problem is null, TimeSpan.FromSeconds(20),
                    $"round {round}: every 202'd message of {conversation} in history once, in send order");
        }
    }

    /// <summary>One sender per conversation, each sending in turn (the next only after the last one's answer), paced to the total rate; then kill -9.</summary>
    /// <param name="killAfter">How long after the 300th 202 the kill comes: a random moment, with enough accepted to matter however slow the machine.</param>
    private async Task<Dictionary<string, List<string>>> SendUntilKilledAsync(ApiClient alice, List<string> conversations, TimeSpan killAfter)
    {
        var accepted = conversations.ToDictionary(c => c, _ => new List<string>());
        using var killed = new CancellationTokenSource();
        var interval = TimeSpan.FromSeconds(conversations.Count / MessagesPerSecond);
        var senders = conversations.Select(conversation => Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            for (var n = 0; !killed.IsCancellationRequested; n++)
            {
                var id = $"crash-{n}-{Guid.NewGuid():N}";
                try
                {
                    var response = await alice.PostJsonAsync("/v1/messages", new
                    {
                        message_id = id, conversation_id = conversation, from = "crash-alice", payload = new { type = "text", text = $"#{n}" },
                    });
                    if (response.StatusCode == HttpStatusCode.Accepted) accepted[conversation].Add(id);
                }
                catch (HttpRequestException)
                {
                    return; // the process is gone
                }
                // Pacing, not synchronisation: the load's rate.
                var due = interval * (n + 1) - clock.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due);
            }
        })).ToList();

        await Eventually.UntilAsync(() => accepted.Values.Sum(a => a.Count) > 300, TimeSpan.FromSeconds(60), "300 messages accepted before the kill");
        await Task.Delay(killAfter);
        _host!.Kill();
        killed.Cancel();
        await Task.WhenAll(senders);
        await _host.DisposeAsync();
        return accepted;
    }

    /// <summary>Null when each accepted id is in history exactly once and their sequence numbers rise in the order they were sent.</summary>
    private static async Task<string?> ProblemWithAsync(ApiClient client, string conversation, List<string> acceptedInSendOrder)
    {
        var history = await client.HistoryAsync(conversation);
        var sequences = history.GroupBy(m => m["message_id"]!.GetValue<string>())
            .ToDictionary(g => g.Key, g => g.Select(m => m["sequence_number"]!.GetValue<long>()).ToList());
        var missing = acceptedInSendOrder.Where(id => !sequences.ContainsKey(id)).ToList();
        if (missing.Count > 0) return $"{missing.Count} of {acceptedInSendOrder.Count} accepted missing (first {missing[0]})";
        if (acceptedInSendOrder.FirstOrDefault(id => sequences[id].Count > 1) is { } twice) return $"{twice} stored {sequences[twice].Count} times";
        var inOrder = acceptedInSendOrder.Select(id => sequences[id][0]).ToList();
        for (var i = 1; i < inOrder.Count; i++)
            if (inOrder[i] <= inOrder[i - 1])
                return $"{acceptedInSendOrder[i]} has sequence {inOrder[i]}, not after {acceptedInSendOrder[i - 1]}'s {inOrder[i - 1]}";
        return null;
    }

    private Task<ServiceProcess> StartHostAsync() => ServiceProcess.StartAsync("Host", new Dictionary<string, string?>
    {
        ["Chat__DataDir"] = _data.Path,
        ["Logging__LogLevel__Default"] = "Warning",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        _data.Dispose();
    }
}
