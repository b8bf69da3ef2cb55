using System.Diagnostics.Metrics;
using Chat.Auth;
using Chat.Presence;
using Chat.Shared;
using Chat.Storage;

namespace Chat.Router;

/// <summary>
/// Hands stored messages to their recipients' sockets and status changes to their senders',
/// wherever those are connected. Best effort by design: a push that finds no one leaves the
/// message pending in the store, and the client gets it on connect or with <c>sync</c>. A deleted account
/// in a frame reads "deleted user", as in history (<see cref="Attribution"/>).
/// </summary>
internal sealed class LiveDelivery(LivePush live, Attribution attribution, TimeProvider clock, IMeterFactory meters, ILogger<LiveDelivery> logger)
{
    private readonly Histogram<double> _pushedLatency = meters.CreateChatMeter().CreateHistogram<double>(
        "chat.message.pushed_latency", "s", "From the Frontend's accept (POST) to the hand-off to the recipients' WebSocket nodes");

    public async Task NewMessagesAsync(IReadOnlyList<StoredMessage> messages, CancellationToken cancellationToken)
    {
        var app = messages.Where(m => m.Channels.Contains(Channels.App)).ToList();
        var shown = await attribution.OfAsync(app.Select(PublicMessage.Of).ToList(), cancellationToken);
        await SendAsync(app.Select((m, i) => new Push(m.To, Frames.MessageNew(shown[i]), new PushedMessage(m.MessageId, m.ConversationId, m.SequenceNumber))).ToList(),
            cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var m in app) _pushedLatency.Record((now - m.AcceptedAt).TotalSeconds);
    }

    public Task StatusChangesAsync(IReadOnlyList<StatusChange> changes, CancellationToken cancellationToken) =>
        SendAsync(changes.Where(c => c is { Recipient: not null, Channel: not null })
            .Select(c => new Push([c.From], Frames.MessageStatus(c.MessageId, c.ConversationId, c.Recipient!, c.Channel!, c.Status, c.Detail)))
            .ToList(), cancellationToken);

    /// <summary>
    /// An edit, delete or reaction applied: to every socket of each of <paramref name="audience"/> (the actor's other
    /// devices too), one frame per reader so each carries the reactions' <c>me</c> as that reader sees it.
    /// </summary>
    public async Task MessageChangedAsync(string kind, string actor, string emoji, StoredMessage message, IReadOnlyList<string> audience, CancellationToken cancellationToken)
    {
        if (MessageChangeKinds.IsReaction(kind))
        {
            await SendAsync(audience.Select(reader => new Push([reader], Frames.MessageReaction(message, actor, emoji, kind == MessageChangeKinds.ReactionAdded, reader))).ToList(),
                cancellationToken);
            return;
        }
        var deleted = await attribution.DeletedInAsync([PublicMessage.Of(message)], cancellationToken);
        await SendAsync(audience.Select(reader => new Push([reader], Frames.MessageChanged(PublicMessage.Of(message, reader).Attributed(deleted)))).ToList(), cancellationToken);
    }

    /// <summary>One frame to every socket of <paramref name="username"/>.</summary>
    public Task ToUserAsync(string username, byte[] frame, CancellationToken cancellationToken) => SendAsync([new Push([username], frame)], cancellationToken);
    /// <summary>To every socket of the reader, so all their devices show the same unread badge.</summary>
    public Task ReadCursorsAsync(IReadOnlyList<ReadState> moved, CancellationToken cancellationToken) =>
        SendAsync(moved.Select(r => new Push([r.Username], Frames.ConversationRead(r.ConversationId, r.LastReadSeq, r.UnreadCount))).ToList(), cancellationToken);

    /// <summary>A thread cursor moved: to every socket of the reader, as a conversation's cursor is.</summary>
    public Task ThreadCursorsAsync(IReadOnlyList<ThreadReadState> moved, CancellationToken cancellationToken) =>
        SendAsync(moved.Select(r => new Push([r.Username], Frames.ThreadRead(r.ConversationId, r.RootId, r.LastReadSeq, r.UnreadCount))).ToList(), cancellationToken);

    private async Task SendAsync(IReadOnlyList<Push> pushes, CancellationToken cancellationToken)
    {
        try
        {
            await live.SendAsync(pushes, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Live push of {Count} frames failed; the messages wait in the store for their recipients", pushes.Count);
        }
    }
}
