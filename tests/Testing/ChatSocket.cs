using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Chat.Testing;

/// <summary>
/// A real WebSocket client of <c>/v1/ws</c> that collects every frame it receives and checks each
/// against its schema in docs/frames: a frame that breaks it fails the test when the test takes
/// that frame, and at the latest when the socket is disposed.
/// </summary>
public sealed class ChatSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<(JsonNode Frame, string? Violation)> _inbox = Channel.CreateUnbounded<(JsonNode, string?)>();
    private readonly List<JsonNode> _seen = [];
    private readonly ConcurrentQueue<string> _violations = new();
    private int _violationsReported;
    private readonly Task _reader;

    private ChatSocket(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Every frame taken so far by the Next/WaitFor calls, in arrival order.</summary>
    public IReadOnlyList<JsonNode> Seen => _seen;

    public WebSocketState State => _socket.State;

    /// <summary>The status the server closed with, once it has.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public static async Task<ChatSocket> ConnectAsync(Uri server, string? accessToken, bool tokenInQuery = false, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        var uri = new UriBuilder(server) { Scheme = server.Scheme == "https" ? "wss" : "ws", Path = "/v1/ws" };
        if (accessToken is not null)
        {
            if (tokenInQuery) uri.Query = "access_token=" + Uri.EscapeDataString(accessToken);
            else socket.Options.SetRequestHeader("Authorization", "Bearer " + accessToken);
        }
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(uri.Uri, CancellationToken.None);
        }
        catch (WebSocketException e)
        {
            throw new WebSocketRefusedException((int)socket.HttpStatusCode, e);
        }
        return new ChatSocket(socket);
    }

    public static Task<ChatSocket> ConnectAsync(Uri server, ApiClient user) => ConnectAsync(server, user.AccessToken);

    public Task SendAsync(object frame) => SendRawAsync(JsonSerializer.Serialize(frame, ApiClient.Json));

    public Task SendRawAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendBytesAsync(byte[] bytes, bool binary = false) =>
        await _socket.SendAsync(bytes, binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next frame, within the timeout.</summary>
    public async Task<JsonNode> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            var (frame, violation) = await _inbox.Reader.ReadAsync(cts.Token);
            _seen.Add(frame);
            if (violation is not null)
            {
                Interlocked.Increment(ref _violationsReported);
                throw new FrameSchemaException(violation);
            }
            return frame;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No frame within {(timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds} s; socket {_socket.State}");
        }
    }

    /// <summary>Frames until one matches (that one included), within the timeout.</summary>
    public async Task<JsonNode> WaitForAsync(Func<JsonNode, bool> match, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"No frame matching {what ?? "the condition"} in time");
            JsonNode frame;
            try { frame = await NextAsync(left); }
            catch (TimeoutException) { throw new TimeoutException($"No frame matching {what ?? "the condition"} in time; saw {_seen.Count} frames"); }
            if (match(frame)) return frame;
        }
    }

    /// <summary>Collects message.new frames until <paramref name="count"/> have come.</summary>
    public async Task<List<JsonNode>> MessagesAsync(int count, TimeSpan? timeout = null)
    {
        var messages = new List<JsonNode>();
        while (messages.Count < count)
            messages.Add(await WaitForAsync(f => Type(f) == "message.new", timeout, $"message.new #{messages.Count + 1} of {count}"));
        return messages.Select(m => m["message"]!).ToList();
    }

    public static string? Type(JsonNode frame) => frame["type"]?.GetValue<string>();

    /// <summary>The status of the server's close, once the socket is closed; null until then (or when it was cut off without one).</summary>
    public async Task<WebSocketCloseStatus?> ClosedAsync(TimeSpan timeout)
    {
        await _reader.WaitAsync(timeout);
        return _socket.CloseStatus;
    }

    /// <summary>Drops the connection without a close handshake, as a lost network would.</summary>
    public void Abort() => _socket.Abort();

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None);
                    length += result.Count;
                } while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // Answer the server's close, as a browser does, so its side completes the handshake.
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    break;
                }
                using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
                var violation = FrameSchemas.CheckServerFrame(document.RootElement);
                if (violation is not null) _violations.Enqueue(violation);
                _inbox.Writer.TryWrite((JsonNode.Parse(buffer.AsSpan(0, length))!, violation));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        _inbox.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", new CancellationTokenSource(2000).Token); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        _socket.Dispose();
        await _reader;
        if (_violations.Count > _violationsReported)
            throw new FrameSchemaException($"{_violations.Count} frame(s) broke their schema: {string.Join(" | ", _violations)}");
    }
}

/// <summary>The server sent a frame that docs/frames does not describe.</summary>
public sealed class FrameSchemaException(string message) : Xunit.Sdk.XunitException("WebSocket frame does not match its schema: " + message);

public sealed class WebSocketRefusedException(int status, Exception inner)
    : Exception($"The WebSocket upgrade was refused with HTTP {status}.", inner)
{
    public int Status { get; } = status;
}
