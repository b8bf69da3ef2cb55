using System.Net.WebSockets;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Presence.Gateway;

/// <summary>
/// Runs one client's socket from upgrade to close: registers it (locally and in presence),
/// pushes the backlog of undelivered messages, then reads client frames until the client
/// leaves, goes idle or the server stops.
/// </summary>
internal sealed class WebSocketGateway(
    LocalConnections connections, IPresence presence, IMessageStore store, StoredMessageFrames stored, ClientFrameHandler frames, PresenceAnnouncer announcer,
    IOptions<PresenceOptions> options, IHostApplicationLifetime lifetime, ILogger<WebSocketGateway> logger)
{
    public async Task RunAsync(HttpContext http)
    {
        var settings = options.Value;
        var username = http.User.Username();
        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = settings.KeepAliveInterval });
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var connection = new ClientConnection(socket, username, settings, logger, http.Abort);
        connections.Add(connection);
        var writer = connection.WriteLoopAsync(stopping.Token);
        // Not a cancelled read, which would abort the socket: a close the client can act on.
        using var goingAway = lifetime.ApplicationStopping.Register(() => _ = GoAwayAsync(connection, writer));
        try
        {
            var state = await presence.ConnectedAsync(username, settings.NodeId, connection.Id, stopping.Token);
            if (state.Connections == 1) await announcer.AnnounceAsync(username, online: true, state.LastSeen, stopping.Token);
            await SendBacklogAsync(connection, stopping.Token);
            await ReadLoopAsync(connection, stopping.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away, was dropped, or the server is stopping; the socket is done either way.
        }
        finally
        {
            connections.Remove(connection);
            connection.Complete();
            var state = await presence.DisconnectedAsync(username, settings.NodeId, connection.Id, CancellationToken.None);
            if (state.Connections == 0) await announcer.AnnounceAsync(username, online: false, state.LastSeen, CancellationToken.None);
            await writer;
        }
    }

    private async Task SendBacklogAsync(ClientConnection connection, CancellationToken cancellationToken)
    {
        var pending = await store.PendingForAsync(connection.Username, Shared.Channels.App, options.Value.BacklogLimit, cancellationToken);
        await stored.SendAsync(connection, pending, cancellationToken);
        connection.ReleaseHeld();
    }

    private async Task ReadLoopAsync(ClientConnection connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[options.Value.MaxFrameBytes];
        var timeout = options.Value.IdleTimeout;
        // Silence for the idle timeout ends the socket with a close handshake (1008), not an abort.
        await using var idle = new Timer(_ => _ = CloseIdleAsync(connection, timeout), null, timeout, Timeout.InfiniteTimeSpan);
        while (connection.Socket.State == WebSocketState.Open)
        {
            var frame = await connection.ReceiveAsync(buffer, cancellationToken);
            idle.Change(timeout, Timeout.InfiniteTimeSpan);
            switch (frame.Kind)
            {
                case ClientConnection.FrameKind.Close:
                    await CloseAsync(connection, WebSocketCloseStatus.NormalClosure, "bye");
                    return;
                case ClientConnection.FrameKind.TooLarge:
                    connection.Send(Frames.Error("frame_too_large", $"Frames may be at most {options.Value.MaxFrameBytes} bytes; this one was ignored."));
                    break;
                case ClientConnection.FrameKind.Binary:
                    connection.Send(Frames.Error("bad_frame", "Send JSON text frames; binary frames are ignored."));
                    break;
                default:
                    await frames.HandleAsync(connection, frame.Data, cancellationToken);
                    break;
            }
        }
    }

    /// <summary>
    /// The server is stopping: the frames already queued go out, then a 1001 "going away" close, so
    /// the client reconnects to another node (and gets there what it missed, as backlog).
    /// </summary>
    private async Task GoAwayAsync(ClientConnection connection, Task writer)
    {
        connections.Remove(connection); // no more pushes to it; what it misses is its backlog elsewhere
        connection.Complete();
        await Task.WhenAny(writer, Task.Delay(TimeSpan.FromSeconds(2)));
        var closing = CloseAsync(connection, WebSocketCloseStatus.EndpointUnavailable, "server stopping");
        await Task.Delay(TimeSpan.FromSeconds(5));
        if (connection.Socket.State != WebSocketState.Closed) connection.Abort();
        await closing;
    }

    /// <summary>
    /// Closes an idle socket; a client that does not answer the close within 5 s is cut off (as is one
    /// that reads so little that the close frame itself cannot be written).
    /// </summary>
    private async Task CloseIdleAsync(ClientConnection connection, TimeSpan timeout)
    {
        var closing = CloseAsync(connection, WebSocketCloseStatus.PolicyViolation, $"idle for {timeout.TotalSeconds:0} s");
        await Task.Delay(TimeSpan.FromSeconds(5));
        if (connection.Socket.State != WebSocketState.Closed) connection.Abort();
        await closing;
    }

    private async Task CloseAsync(ClientConnection connection, WebSocketCloseStatus status, string reason)
    {
        connection.Complete();
        if (connection.Socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        try
        {
            await connection.Socket.CloseOutputAsync(status, reason, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or InvalidOperationException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            logger.LogDebug(e, "Closing {Connection} failed; the client is gone", connection.Id);
        }
    }
}
