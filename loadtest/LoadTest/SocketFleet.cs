using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace Chat.LoadTest;

/// <summary>
/// K users, one WebSocket each, noting when each message arrives and how long it took from the
/// sender's timestamp in its text (same process, same clock) to this socket.
/// </summary>
public sealed class SocketFleet : IAsyncDisposable
{
    private readonly List<ClientWebSocket> _sockets = [];
    private readonly List<Task> _readers = [];
    private readonly CancellationTokenSource _stop = new();

    /// <summary>message_id → (arrived at, POST→WebSocket milliseconds).</summary>
    public ConcurrentDictionary<string, (long At, double Ms)> Delivered { get; } = new();

    public int Open => _sockets.Count(s => s.State == WebSocketState.Open);

    /// <summary>One socket per token, spread round-robin over <paramref name="nodes"/>.</summary>
    public static async Task<SocketFleet> ConnectAsync(IReadOnlyList<Uri> nodes, IReadOnlyList<string> tokens)
    {
        var fleet = new SocketFleet();
        var uris = nodes.Select(n => new UriBuilder(n) { Scheme = "ws", Path = "/v1/ws" }.Uri).ToList();
        using var gate = new SemaphoreSlim(32);
        var connected = 0;
        await Task.WhenAll(tokens.Select(async (token, i) =>
        {
            var uri = uris[i % uris.Count];
            await gate.WaitAsync();
            try
            {
                var socket = new ClientWebSocket();
                socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
                await socket.ConnectAsync(uri, CancellationToken.None);
                lock (fleet._sockets) fleet._sockets.Add(socket);
                if (Interlocked.Increment(ref connected) % 250 == 0) Console.WriteLine($"  {connected:N0} of {tokens.Count:N0} sockets connected");
            }
            finally
            {
                gate.Release();
            }
        }));
        fleet._readers.AddRange(fleet._sockets.Select(s => Task.Run(() => fleet.ReadAsync(s))));
        return fleet;
    }

    private async Task ReadAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                    length += result.Count;
                } while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close) return;
                var now = Stopwatch.GetTimestamp();
                using var frame = JsonDocument.Parse(buffer.AsMemory(0, length));
                if (frame.RootElement.GetProperty("type").GetString() != "message.new") continue;
                var message = frame.RootElement.GetProperty("message");
                var text = message.GetProperty("payload").GetProperty("text").GetString()!;
                var sentAt = long.Parse(text.AsSpan(0, text.IndexOf('|')));
                Delivered.TryAdd(message.GetProperty("message_id").GetString()!, (now, Stopwatch.GetElapsedTime(sentAt, now).TotalMilliseconds));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var socket in _sockets) socket.Abort();
        await Task.WhenAll(_readers);
        foreach (var socket in _sockets) socket.Dispose();
    }
}
