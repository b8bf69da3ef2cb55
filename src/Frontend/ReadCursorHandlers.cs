using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Http;
using Chat.Shared.Kafka;
using Chat.Storage;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Chat.Frontend;

/// <summary>
/// Moving a member's read cursor: the same read receipt a socket's <c>read</c> frame produces, on
/// chat.receipts, so the Router moves statuses and cursor alike (forward only) and tells the
/// member's sockets. Done once the receipt is on the log.
/// </summary>
internal sealed class MarkReadHandler(ConversationCache conversations, EventProducer producer, TimeProvider clock)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async Task<Outcome<ReadResponse>> MarkAsync(Caller caller, string conversationId, ReadRequest body, CancellationToken ct)
    {
        var reader = body.Member?.Trim().ToLowerInvariant() ?? caller.Username;
        if (reader is null) return new Refusal.Invalid("member", "Is required for a client: whose cursor to move.");
        if (!caller.MayActAs(reader)) return new Refusal.Forbidden("member", $"You may not move '{reader}''s read cursor.");
        var conversation = await conversations.FindAsync(conversationId, ct);
        if (conversation is null) return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}'.");
        if (!conversation.HasMember(reader)) return new Refusal.Forbidden("conversation_id", $"'{reader}' is not a member of this conversation.");
        var upTo = body.UpToSeq!.Value;
        try
        {
            await producer.PublishReceiptAsync(new StatusEvent
            {
                EventId = $"{conversationId}/{reader}/{MessageStatus.Read}/{upTo}",
                ConversationId = conversationId, SequenceNumber = upTo, Recipient = reader, Channel = Channels.App, Status = MessageStatus.Read,
                At = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
            }, ct);
        }
        catch (Confluent.Kafka.KafkaException)
        {
            return new Refusal.Unavailable("The read could not be recorded right now; nothing changed. Send it again shortly.", RetryAfter);
        }
        return new ReadResponse(conversationId, upTo);
    }
}

/// <summary>A member's unread messages: per conversation with any, and in total (from the counters, never by counting history).</summary>
internal sealed class UnreadHandler(IMessageStore store)
{
    public async Task<Outcome<UnreadResponse>> FindAsync(Caller caller, string? member, CancellationToken ct)
    {
        var whose = member?.ToLowerInvariant() ?? caller.Username!;
        if (!caller.MayActAs(whose)) return new Refusal.Forbidden("member", "You can see only your own unread messages.");
        var unread = await store.UnreadOfAsync(whose, ct);
        return new UnreadResponse(unread.Sum(u => u.UnreadCount), unread.Select(u => new UnreadConversation(u.ConversationId, u.UnreadCount, u.LastReadSeq)).ToList());
    }
}

/// <summary>
/// Mark unread (issue 25): the only way a read cursor moves back. An <c>unread</c> receipt on chat.receipts, in the
/// conversation's partition among its reads, so the Router moves the cursor back to just before <c>from_seq</c> and
/// every socket of the member hears the new badge. Message statuses stay as they are (a receipt once sent is history).
/// </summary>
internal sealed class MarkUnreadHandler(ConversationCache conversations, EventProducer producer, TimeProvider clock)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async Task<Outcome<UnreadMarked>> MarkAsync(Caller caller, string conversationId, UnreadRequest body, CancellationToken ct)
    {
        var reader = body.Member?.Trim().ToLowerInvariant() ?? caller.Username;
        if (!caller.MayActAs(reader)) return new Refusal.Forbidden("member", $"You may not move '{reader}''s read cursor.");
        var conversation = await conversations.FindAsync(conversationId, ct);
        if (conversation is null) return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}'.");
        if (!conversation.HasMember(reader!)) return new Refusal.Forbidden("conversation_id", $"'{reader}' is not a member of this conversation.");
        var from = body.FromSeq!.Value;
        try
        {
            var now = clock.GetUtcNow();
            await producer.PublishReceiptAsync(new StatusEvent
            {
                // The time makes each mark its own event: marking the same place unread again after reading on is another change.
                EventId = $"{conversationId}/{reader}/{MessageStatus.UnreadReceipt}/{from}/{now.ToUnixTimeMilliseconds()}",
                ConversationId = conversationId, SequenceNumber = from - 1, Recipient = reader, Channel = Channels.App, Status = MessageStatus.UnreadReceipt,
                At = Timestamp.FromDateTimeOffset(now),
            }, ct);
        }
        catch (Confluent.Kafka.KafkaException)
        {
            return new Refusal.Unavailable("The mark could not be recorded right now; nothing changed. Send it again shortly.", RetryAfter);
        }
        return new UnreadMarked(conversationId, from);
    }
}

/// <summary>
/// A user's private read mode (issue 25): their reads still clear their own badges on every device, but no message
/// becomes <c>read</c> for them, so senders (and webhooks) get no read receipts from them.
/// </summary>
internal sealed class ReadReceiptsHandler(IMessageStore store)
{
    public async Task<Outcome<ReadReceiptsSetting>> FindAsync(Caller caller, CancellationToken ct)
    {
        if (caller.Username is not { } username) return NotForClients;
        return new ReadReceiptsSetting((await store.PrivateReadersAsync([username], ct)).Count > 0);
    }

    public async Task<Outcome<ReadReceiptsSetting>> SetAsync(Caller caller, bool isPrivate, CancellationToken ct)
    {
        if (caller.Username is not { } username) return NotForClients;
        await store.SetPrivateReadsAsync(username, isPrivate, ct);
        return new ReadReceiptsSetting(isPrivate);
    }

    private static Refusal NotForClients => new Refusal.Forbidden("private", "A user's own setting: sign in as the user.");
}

/// <summary>An admin declares a conversation's history rebuilt (re-imported by a repair, restored after a loss): a new epoch, so clients re-sync it.</summary>
internal sealed class RenewEpochHandler(IMessageStore store)
{
    public async Task<Outcome<EpochResponse>> RenewAsync(string conversationId, CancellationToken ct) =>
        await store.RenewEpochAsync(conversationId, ct) is { } epoch
            ? new EpochResponse(conversationId, epoch)
            : new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}'.");
}
