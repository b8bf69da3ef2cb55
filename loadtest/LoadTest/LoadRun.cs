using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Chat.LoadTest;

public sealed record PhaseResult(Phase Phase, int Accepted, int Errors, double AcceptedPerSecond, double StoredPerSecond, int Stored,
    double[] PostMs, double[] StoredMs);

/// <summary>Posts messages at each phase's rate over keep-alive connections and times each to its 202 and to its "sent" event.</summary>
public sealed class LoadRun(LoadOptions options, Target target)
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = options.Connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        BaseAddress = target.Url,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private sealed record Sent(string Id, long Start, long AcceptedAt);

    public async Task<List<PhaseResult>> RunAsync()
    {
        var (from, conversations) = await SetUpAsync();
        using var watcher = new StatusWatcher(target.BootstrapServers);
        var text = new string('x', options.TextBytes);
        var phases = new List<(Phase Phase, ConcurrentBag<Sent> Sent, int Errors, long Start, long End)>();
        var counter = 0;

        for (var p = 0; p < options.Phases.Count; p++)
        {
            var phase = options.Phases[p];
            var sent = new ConcurrentBag<Sent>();
            var errors = 0;
            var total = phase.RatePerSecond * phase.Seconds;
            using var slots = new SemaphoreSlim(options.Connections);
            var inFlight = new List<Task>(Math.Max(total, 1024));
            var start = Stopwatch.GetTimestamp();
            var launched = 0;
            var nextReport = 1.0;
            Console.WriteLine($"Phase {p + 1}/{options.Phases.Count}: {phase}");
            // Paced phases launch each message at its due time; an unpaced one ("max") keeps every connection busy.
            var seconds = phase.Seconds;
            while (phase.RatePerSecond == 0 ? Stopwatch.GetElapsedTime(start).TotalSeconds < seconds : launched < total)
            {
                var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                var due = phase.RatePerSecond == 0 ? launched + 1 : Math.Min(total, (int)(elapsed * phase.RatePerSecond) + 1);
                for (; launched < due; launched++)
                {
                    await slots.WaitAsync();
                    var n = Interlocked.Increment(ref counter);
                    inFlight.Add(PostAsync(from, conversations[n % conversations.Count], text, sent, () => Interlocked.Increment(ref errors), slots));
                }
                if (elapsed >= nextReport)
                {
                    Console.WriteLine($"  t={elapsed,5:0}s  accepted {sent.Count,8:N0} ({sent.Count / elapsed,7:N0}/s)  stored {watcher.StoredAt.Count,8:N0}  errors {errors}");
                    nextReport += 1;
                }
                if (phase.RatePerSecond > 0) await Task.Delay(1);
            }
            await Task.WhenAll(inFlight);
            phases.Add((phase, sent, errors, start, Stopwatch.GetTimestamp()));
        }

        var accepted = phases.Sum(p => p.Sent.Count);
        var drain = Stopwatch.StartNew();
        while (watcher.StoredAt.Count < accepted && drain.Elapsed < TimeSpan.FromSeconds(60))
        {
            Console.WriteLine($"  waiting for the Router: stored {watcher.StoredAt.Count:N0} of {accepted:N0}");
            await Task.Delay(1000);
        }
        return phases.Select(p => Summarise(p.Phase, p.Sent.ToList(), p.Errors, p.Start, p.End, watcher.StoredAt)).ToList();
    }

    private static PhaseResult Summarise(Phase phase, List<Sent> sent, int errors, long start, long end, ConcurrentDictionary<string, long> storedAt)
    {
        var stored = sent.Where(s => storedAt.ContainsKey(s.Id)).Select(s => storedAt[s.Id]).ToList();
        var lastStored = stored.Count > 0 ? stored.Max() : end;
        return new PhaseResult(phase, sent.Count, errors,
            sent.Count / Stopwatch.GetElapsedTime(start, end).TotalSeconds,
            stored.Count / Stopwatch.GetElapsedTime(start, lastStored).TotalSeconds,
            stored.Count,
            sent.Select(s => Stopwatch.GetElapsedTime(s.Start, s.AcceptedAt).TotalMilliseconds).Order().ToArray(),
            sent.Where(s => storedAt.ContainsKey(s.Id)).Select(s => Stopwatch.GetElapsedTime(s.Start, storedAt[s.Id]).TotalMilliseconds).Order().ToArray());
    }

    private async Task PostAsync(string from, string conversation, string text, ConcurrentBag<Sent> sent, Action error, SemaphoreSlim slots)
    {
        var id = Guid.CreateVersion7().ToString();
        var start = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.PostAsJsonAsync("/v1/messages", new MessageBody(id, conversation, from, new TextPayload("text", text)), LoadJson.Default.MessageBody);
            if (response.StatusCode == HttpStatusCode.Accepted) sent.Add(new Sent(id, start, Stopwatch.GetTimestamp()));
            else error();
        }
        catch (HttpRequestException)
        {
            error();
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Two users and the group conversations the load is spread over; the token is the sender's.</summary>
    private async Task<(string From, List<string> Conversations)> SetUpAsync()
    {
        var suffix = Random.Shared.Next(100_000, 999_999);
        string a = $"load-a-{suffix}", b = $"load-b-{suffix}";
        const string password = "load test password";
        foreach (var user in new[] { a, b })
            (await _http.PostAsJsonAsync("/v1/auth/register", new { username = user, password })).EnsureSuccessStatusCode();
        var token = await (await _http.PostAsJsonAsync("/v1/auth/token", new { grant_type = "password", username = a, password }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!["access_token"]!.GetValue<string>());
        var conversations = new List<string>();
        for (var i = 0; i < options.Conversations; i++)
        {
            var created = await (await _http.PostAsJsonAsync("/v1/conversations", new { type = "group", members = new[] { a, b }, title = $"load {i}" }))
                .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
            conversations.Add(created!["conversation_id"]!.GetValue<string>());
        }
        Console.WriteLine($"Set up {a} → {b} in {conversations.Count} conversations; posting to {target.Url}");
        return (a, conversations);
    }
}
