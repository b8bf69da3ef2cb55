using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Chat.LoadTest;

public sealed record PhaseResult(
    Phase Phase, int Accepted, int Errors, double AcceptedPerSecond, int Stored, double StoredPerSecond, double[] PostMs, double[] StoredMs,
    int Delivered, double DeliveredPerSecond, double[] WebSocketMs);

/// <summary>
/// Posts messages at each phase's rate over keep-alive connections and times each to its 202,
/// to its "sent" event on chat.status and, with sockets, to its arrival on the recipient's WebSocket.
/// </summary>
public sealed class LoadRun(LoadOptions options, Target target)
{
    private const string Password = "load test password";

    private readonly HttpClient _http = Client(target.Url, options.Connections);

    /// <summary>The generator's HTTP client: a fixed set of keep-alive connections (the floor uses the same).</summary>
    public static HttpClient Client(Uri baseAddress, int connections) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public sealed record Sent(string Id, long Start, long AcceptedAt);

    /// <summary>When the first phase began: the timeline's zero.</summary>
    public long StartedAt { get; private set; }

    /// <summary>Every accepted message of the run, and when each was stored (its "sent" event), for the timeline.</summary>
    public List<Sent> AllSent { get; } = [];

    public ConcurrentDictionary<string, long> StoredAt { get; private set; } = new();

    /// <summary>The sender's token and conversations, for the HTTP floor's identical requests.</summary>
    public (string From, IReadOnlyList<string> Conversations, string Token) Sender { get; private set; }

    public SocketFleet? Fleet { get; private set; }

    public StalledSockets? Stalled { get; private set; }

    public async Task<List<PhaseResult>> RunAsync()
    {
        var (from, conversations, receiverTokens, stalledTokens) = await SetUpAsync();
        Sender = (from, conversations, _http.DefaultRequestHeaders.Authorization!.Parameter!);
        if (receiverTokens.Count > 0)
        {
            Console.WriteLine($"Connecting {receiverTokens.Count:N0} WebSocket users …");
            Fleet = await SocketFleet.ConnectAsync(options.WebSocketUrls.Count > 0 ? options.WebSocketUrls : [target.Url], receiverTokens);
        }
        if (stalledTokens.Count > 0 && options.StalledConnect)
        {
            Console.WriteLine($"Connecting {stalledTokens.Count:N0} sockets that never read …");
            Stalled = await StalledSockets.ConnectAsync(options.WebSocketUrls.Count > 0 ? options.WebSocketUrls : [target.Url], stalledTokens);
        }
        using var watcher = new StatusWatcher(target.BootstrapServers);
        var phases = new List<(Phase Phase, List<Sent> Sent, int Errors, long Start, long End)>();
        var counter = 0;
        StoredAt = watcher.StoredAt;
        StartedAt = Stopwatch.GetTimestamp();

        // A warm-up first (not reported): tiered compilation spends a core for the first ten seconds or so.
        IReadOnlyList<Phase> all = options.WarmupSeconds > 0 ? [new Phase(1000, options.WarmupSeconds), .. options.Phases] : options.Phases;
        for (var p = 0; p < all.Count; p++)
        {
            var phase = all[p];
            var warmup = options.WarmupSeconds > 0 && p == 0;
            if (p == 1 && options.WarmupSeconds > 0) StartedAt = Stopwatch.GetTimestamp();
            var sent = new ConcurrentBag<Sent>();
            var errors = 0;
            var total = phase.RatePerSecond * phase.Seconds;
            using var slots = new SemaphoreSlim(options.Connections);
            var inFlight = new List<Task>(Math.Max(total, 1024));
            var start = Stopwatch.GetTimestamp();
            var launched = 0;
            var nextReport = 1.0;
            Console.WriteLine(warmup ? $"Warm-up: {phase} (not reported)" : $"Phase {p + 1 - (all.Count - options.Phases.Count)}/{options.Phases.Count}: {phase}");
            // Paced phases launch each message at its due time; an unpaced one ("max") keeps every connection busy.
            while (phase.RatePerSecond == 0 ? Stopwatch.GetElapsedTime(start).TotalSeconds < phase.Seconds : launched < total)
            {
                var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                // Counted in messages; a request carries options.Batch of them.
                var due = phase.RatePerSecond == 0 ? launched + options.Batch : Math.Min(total, (int)(elapsed * phase.RatePerSecond) + 1);
                for (; launched < due; launched += options.Batch)
                {
                    await slots.WaitAsync();
                    var first = Interlocked.Add(ref counter, options.Batch) - options.Batch;
                    inFlight.Add(PostAsync(_http, from, Enumerable.Range(first, options.Batch).Select(n => conversations[n % conversations.Count]).ToList(), options,
                        sent, () => Interlocked.Increment(ref errors), slots));
                }
                if (elapsed >= nextReport)
                {
                    Console.WriteLine($"  t={elapsed,5:0}s  accepted {sent.Count,8:N0} ({sent.Count / elapsed,7:N0}/s)  stored {watcher.StoredAt.Count,8:N0}" +
                                      (Fleet is null ? "" : $"  on sockets {Fleet.Delivered.Count,8:N0}") + $"  errors {errors}");
                    nextReport += 1;
                }
                if (phase.RatePerSecond > 0) await Task.Delay(1);
            }
            await Task.WhenAll(inFlight);
            if (warmup) continue;
            phases.Add((phase, sent.ToList(), errors, start, Stopwatch.GetTimestamp()));
            AllSent.AddRange(phases[^1].Sent);
        }

        var accepted = AllSent.Count;
        int Stored() => AllSent.Count(s => watcher.StoredAt.ContainsKey(s.Id));
        int Delivered() => Fleet is null ? accepted : AllSent.Count(s => Fleet.Delivered.ContainsKey(s.Id));
        var drain = Stopwatch.StartNew();
        while ((Stored() < accepted || Delivered() < accepted) && drain.Elapsed < TimeSpan.FromSeconds(60))
        {
            Console.WriteLine($"  draining: stored {Stored():N0}" + (Fleet is null ? "" : $", on sockets {Delivered():N0}") + $" of {accepted:N0}");
            await Task.Delay(1000);
        }
        return phases.Select(p => Summarise(p.Phase, p.Sent, p.Errors, p.Start, p.End, watcher.StoredAt)).ToList();
    }

    private PhaseResult Summarise(Phase phase, List<Sent> sent, int errors, long start, long end, ConcurrentDictionary<string, long> storedAt)
    {
        double PerSecond(int count, IEnumerable<long> times) => count == 0 ? 0 : count / Stopwatch.GetElapsedTime(start, times.Max()).TotalSeconds;
        var stored = sent.Where(s => storedAt.ContainsKey(s.Id)).Select(s => (s.Start, At: storedAt[s.Id])).ToList();
        var delivered = Fleet is null ? [] : sent.Where(s => Fleet.Delivered.ContainsKey(s.Id)).Select(s => Fleet.Delivered[s.Id]).ToList();
        return new PhaseResult(phase, sent.Count, errors, sent.Count / Stopwatch.GetElapsedTime(start, end).TotalSeconds,
            stored.Count, PerSecond(stored.Count, stored.Select(s => s.At)),
            sent.Select(s => Stopwatch.GetElapsedTime(s.Start, s.AcceptedAt).TotalMilliseconds).Order().ToArray(),
            stored.Select(s => Stopwatch.GetElapsedTime(s.Start, s.At).TotalMilliseconds).Order().ToArray(),
            delivered.Count, PerSecond(delivered.Count, delivered.Select(d => d.At)), delivered.Select(d => d.Ms).Order().ToArray());
    }

    /// <summary>
    /// One request: a message to POST /v1/messages, or (batch above 1) several to POST /v1/messages/batch, one
    /// per conversation given. The text starts with the sender's timestamp, which the receiving socket reads back.
    /// </summary>
    public static async Task PostAsync(HttpClient http, string from, IReadOnlyList<string> conversations, LoadOptions options, ConcurrentBag<Sent> sent, Action error,
        SemaphoreSlim slots)
    {
        var start = Stopwatch.GetTimestamp();
        var stamp = start.ToString();
        var text = stamp + "|" + new string('x', Math.Max(0, options.TextBytes - stamp.Length - 1));
        var bodies = conversations.Select(c => new MessageBody(Guid.CreateVersion7().ToString(), c, from, new TextPayload("text", text))).ToList();
        try
        {
            if (options.Batch == 1)
            {
                using var response = await http.PostAsJsonAsync("/v1/messages", bodies[0], LoadJson.Default.MessageBody);
                if (response.StatusCode == HttpStatusCode.Accepted) sent.Add(new Sent(bodies[0].MessageId, start, Stopwatch.GetTimestamp()));
                else error();
                return;
            }
            using var answer = await http.PostAsJsonAsync("/v1/messages/batch", new BatchBody(bodies), LoadJson.Default.BatchBody);
            var items = answer.StatusCode == HttpStatusCode.MultiStatus ? (await answer.Content.ReadFromJsonAsync(LoadJson.Default.BatchAnswer))!.Items : [];
            var now = Stopwatch.GetTimestamp();
            foreach (var item in items)
                if (item is { Status: "accepted", MessageId: { } id }) sent.Add(new Sent(id, start, now));
                else error();
            for (var missing = items.Count; missing < bodies.Count; missing++) error();
        }
        catch (HttpRequestException)
        {
            for (var i = 0; i < bodies.Count; i++) error();
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>
    /// The sender and its conversations: with sockets, one with each WebSocket user (so every
    /// message reaches exactly one socket); without, <see cref="LoadOptions.Conversations"/> with one receiver.
    /// Stalled users add one to each conversation (at least as many conversations as they are, the readers taking turns).
    /// </summary>
    private async Task<(string From, List<string> Conversations, List<string> ReceiverTokens, List<string> StalledTokens)> SetUpAsync()
    {
        var run = Random.Shared.Next(100_000, 999_999);
        var sender = $"load-{run}";
        var receivers = Enumerable.Range(0, Math.Max(1, options.Sockets)).Select(i => $"load-{run}-{i}").ToList();
        var stalled = Enumerable.Range(0, options.StalledSockets).Select(i => $"load-{run}-stalled-{i}").ToList();
        Console.WriteLine($"Registering {receivers.Count + 1:N0} users …");
        using var auth = new HttpClient { BaseAddress = options.AuthUrl ?? target.Url };
        var tokens = new ConcurrentDictionary<string, string>();
        using (var gate = new SemaphoreSlim(16))
            await Task.WhenAll(receivers.Concat(stalled).Prepend(sender).Select(async user =>
            {
                await gate.WaitAsync();
                try
                {
                    (await auth.PostAsJsonAsync("/v1/auth/register", new { username = user, password = Password })).EnsureSuccessStatusCode();
                    var token = await (await auth.PostAsJsonAsync("/v1/auth/token", new { grant_type = "password", username = user, password = Password }))
                        .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
                    tokens[user] = token!["access_token"]!.GetValue<string>();
                }
                finally
                {
                    gate.Release();
                }
            }));
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens[sender]);
        var count = Math.Max(options.Sockets > 0 ? options.Sockets : options.Conversations, stalled.Count);
        var conversations = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var created = await (await _http.PostAsJsonAsync("/v1/conversations", new { type = "group", members = new[] { sender, receivers[i % receivers.Count] }.Concat(i < stalled.Count ? [stalled[i]] : []).ToArray(), title = $"load {i}" }))
                .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
            conversations.Add(created!["conversation_id"]!.GetValue<string>());
        }
        Console.WriteLine($"Set up {sender} in {conversations.Count:N0} conversations; posting to {target.Url}");
        return (sender, conversations, options.Sockets > 0 ? receivers.Select(r => tokens[r]).ToList() : [], stalled.Select(s => tokens[s]).ToList());
    }
}
