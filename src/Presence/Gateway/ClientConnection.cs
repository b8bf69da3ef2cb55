using System.Net.WebSockets;
using System.Threading.Channels;
using Chat.Shared;

namespace Chat.Presence.Gateway;

/// <summary>
/// One client socket. Frames to it queue in a bounded channel written by one loop, so pushes
/// never wait on a slow client: one that falls a whole queue behind is dropped, once, with one
/// warning. Message frames pass a filter: each message at most once per connection, and live
/// ones are held back until the backlog sent on connect is out, so each conversation arrives in
/// sequence order.
/// </summary>
/// <param name="abortConnection">Ends the TCP connection under the socket (<c>HttpContext.Abort</c>): on Kestrel,
/// <see cref="WebSocket.Abort"/> alone leaves a read or a write to a client that reads nothing pending for ever.</param>
internal sealed class ClientConnection(WebSocket socket, string username, PresenceOptions options, ILogger logger, Action abortConnection)
{
    public enum FrameKind { Text, Binary, TooLarge, Close }

    private readonly Channel<byte[]> _outbox = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(options.SendQueueLength) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<long>> _sent = [];
    private List<Push>? _held = [];
    private int _ended; // 1 once the outbox is completed: the socket closes or was dropped, and frames are no longer taken

    public string Id { get; } = Ids.New();
    public string Username => username;
    public WebSocket Socket => socket;

    public void Send(byte[] frame)
    {
        if (_outbox.Writer.TryWrite(frame) || Volatile.Read(ref _ended) == 1) return;
        if (Interlocked.Exchange(ref _ended, 1) == 1) return;
        logger.LogWarning("Closing {User}'s connection {Connection}: {Count} frames queued, the client does not keep up", username, Id, options.SendQueueLength);
        _outbox.Writer.TryComplete();
        Abort();
    }

    /// <summary>Cuts the socket and its connection at once, so its reader and writer end too.</summary>
    public void Abort()
    {
        socket.Abort();
        abortConnection();
    }

    /// <summary>A live message push: held while the backlog is out, skipped if this connection sent it already.</summary>
    public void Deliver(Push push)
    {
        lock (_gate)
        {
            if (_held is not null) _held.Add(push);
            else if (MarkSent(push.Message!)) Send(push.Frame);
        }
    }

    /// <summary>A message from the store (backlog or sync); false if this connection sent it already.</summary>
    public bool SendIfNew(byte[] frame, PushedMessage message)
    {
        lock (_gate)
        {
            if (!MarkSent(message)) return false;
            Send(frame);
            return true;
        }
    }

    /// <summary>The backlog is out: what arrived live meanwhile follows it.</summary>
    public void ReleaseHeld()
    {
        lock (_gate)
        {
            var held = _held ?? [];
            _held = null;
            foreach (var push in held.OrderBy(p => p.Message!.ConversationId, StringComparer.Ordinal).ThenBy(p => p.Message!.SequenceNumber))
                if (MarkSent(push.Message!)) Send(push.Frame);
        }
    }

    private bool MarkSent(PushedMessage message)
    {
        if (!_sent.TryGetValue(message.ConversationId, out var seqs)) _sent[message.ConversationId] = seqs = [];
        return seqs.Add(message.SequenceNumber);
    }

    public async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(cancellationToken))
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The socket is gone; the reader notices too and cleans up.
        }
    }

    /// <summary>No more frames: what is queued is still written, then the write loop ends.</summary>
    public void Complete()
    {
        Volatile.Write(ref _ended, 1);
        _outbox.Writer.TryComplete();
    }

    /// <summary>Reads one whole frame; a frame over the limit is read to its end and discarded.</summary>
    public async Task<(FrameKind Kind, ArraySegment<byte> Data)> ReceiveAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        var tooLarge = false;
        while (true)
        {
            var space = tooLarge || length == buffer.Length ? new ArraySegment<byte>(new byte[4096]) : new ArraySegment<byte>(buffer, length, buffer.Length - length);
            var result = await socket.ReceiveAsync(space, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) return (FrameKind.Close, default);
            if (tooLarge || length == buffer.Length) tooLarge = true;
            else length += result.Count;
            if (!result.EndOfMessage) continue;
            if (tooLarge) return (FrameKind.TooLarge, default);
            return (result.MessageType == WebSocketMessageType.Binary ? FrameKind.Binary : FrameKind.Text, new ArraySegment<byte>(buffer, 0, length));
        }
    }
}
