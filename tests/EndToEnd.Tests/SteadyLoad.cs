using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Messages at a steady rate from one sender per conversation, each sending the next only after
/// the last one's answer, so a conversation's accepted ids are in send order. Errors (a Frontend
/// gone) and 503s are simply not accepted; the sender goes on.
/// </summary>
public sealed class SteadyLoad(ApiClient sender, IReadOnlyList<string> conversations, double messagesPerSecond, string[] channels) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = new();
    private List<Task> _senders = [];

    /// <summary>Time since <see cref="Start"/>, the clock of <see cref="Answers"/>.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Every request's answer (a null status: none, the Frontend was gone), in the order they came.</summary>
    public ConcurrentQueue<Answer> Answers { get; } = new();

    /// <summary>Ids that got a 202, per conversation, in send order (each message's text is its id).</summary>
    public ConcurrentDictionary<string, List<string>> Accepted { get; } = new();

    public int AcceptedCount => Accepted.Values.Sum(a => { lock (a) return a.Count; });

    public void Start()
    {
        var interval = TimeSpan.FromSeconds(conversations.Count / messagesPerSecond);
        _clock.Start();
        _senders = conversations.Select(conversation => Task.Run(() => SendAsync(conversation, interval))).ToList();
    }

    private async Task SendAsync(string conversation, TimeSpan interval)
    {
        var accepted = Accepted.GetOrAdd(conversation, _ => []);
        var clock = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        for (var n = 0; !_stop.IsCancellationRequested; n++)
        {
            var id = $"{conversation}-{n}";
            var sentAt = _clock.Elapsed;
            try
            {
                var response = await SendOneAsync(conversation, id);
                if (response.StatusCode == HttpStatusCode.Accepted) lock (accepted) accepted.Add(id);
                Answers.Enqueue(new Answer(conversation, id, sentAt, _clock.Elapsed - sentAt, response.StatusCode, response.Headers.RetryAfter?.Delta));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The Frontend is down or restarting: not accepted.
                Answers.Enqueue(new Answer(conversation, id, sentAt, _clock.Elapsed - sentAt, null, null));
            }
            // Pacing, not synchronisation: the load's rate. Behind (an outage), it carries on from now, without a burst.
            next += interval;
            if (next > clock.Elapsed) await Task.Delay(next - clock.Elapsed);
            else next = clock.Elapsed;
        }
    }

    /// <summary>The load's message <paramref name="id"/> of <paramref name="conversation"/> (again: a retry is the same request).</summary>
    public Task<HttpResponseMessage> SendOneAsync(string conversation, string id) => sender.PostJsonAsync("/v1/messages", new
    {
        message_id = id, conversation_id = conversation, from = sender.Username, channels, payload = new { type = "text", text = id },
    });

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_senders);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    /// <summary>Null when each accepted id is among <paramref name="stored"/> (texts, in sequence order) exactly once, in send order.</summary>
    public string? ProblemWith(string conversation, IReadOnlyList<string> stored)
    {
        var accepted = Accepted.GetValueOrDefault(conversation) ?? [];
        List<string> ids;
        lock (accepted) ids = accepted.ToList();
        var positions = stored.Select((text, i) => (text, i)).GroupBy(p => p.text).ToDictionary(g => g.Key, g => g.Select(p => p.i).ToList());
        var missing = ids.Where(id => !positions.ContainsKey(id)).ToList();
        if (missing.Count > 0) return $"{missing.Count} of {ids.Count} accepted missing in {conversation} (first {missing[0]})";
        if (ids.FirstOrDefault(id => positions[id].Count > 1) is { } twice) return $"{twice} stored {positions[twice].Count} times";
        for (var i = 1; i < ids.Count; i++)
            if (positions[ids[i]][0] < positions[ids[i - 1]][0]) return $"{ids[i]} stored before {ids[i - 1]}";
        return null;
    }
}

/// <summary>One request of a <see cref="SteadyLoad"/>: when it was sent (on the load's clock), how long its answer took, and what it was.</summary>
public sealed record Answer(string Conversation, string MessageId, TimeSpan SentAt, TimeSpan Took, HttpStatusCode? Status, TimeSpan? RetryAfter);

/// <summary>A recipient online throughout: on one node, then on the other whenever its socket closes; acks every message.</summary>
public sealed class OnlineRecipient : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    public OnlineRecipient(ApiClient user, IReadOnlyList<Uri> nodes) => _running = Task.Run(() => RunAsync(user, nodes));

    public ConcurrentDictionary<string, bool> Received { get; } = new();
    public int Connections;

    private async Task RunAsync(ApiClient user, IReadOnlyList<Uri> nodes)
    {
        for (var attempt = 0; !_stop.IsCancellationRequested; attempt++)
        {
            try
            {
                await using var socket = await ChatSocket.ConnectAsync(nodes[attempt % nodes.Count], user);
                Interlocked.Increment(ref Connections);
                while (!_stop.IsCancellationRequested)
                {
                    JsonNode frame;
                    try
                    {
                        frame = await socket.NextAsync(TimeSpan.FromMilliseconds(500));
                    }
                    catch (TimeoutException) when (socket.State == System.Net.WebSockets.WebSocketState.Open)
                    {
                        continue;
                    }
                    if (ChatSocket.Type(frame) != "message.new") continue;
                    var id = frame["message"]!["message_id"]!.GetValue<string>();
                    Received[id] = true;
                    await socket.SendAsync(new { type = "ack", message_id = id });
                }
            }
            catch (Exception e) when (e is not FrameSchemaException && !_stop.IsCancellationRequested)
            {
                // The node went away (closed with 1001, or killed): the next one.
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _stop.Dispose();
    }
}
