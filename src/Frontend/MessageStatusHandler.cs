using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Frontend;

/// <summary>
/// A message's status, for the conversation's members only (anyone else is told it does not exist);
/// "accepted", for its sender, while the Router has not stored it yet.
/// </summary>
internal sealed class MessageStatusHandler(IMessageStore store, AcceptedMessages accepted)
{
    public async Task<Outcome<MessageStatusResponse>> FindAsync(Caller caller, string messageId, CancellationToken ct)
    {
        var notFound = new Refusal.NotFound("message_id", $"No message '{messageId}' that you can see.");
        var view = await store.GetStatusAsync(messageId, ct);
        if (view is null)
        {
            if (accepted.Find(messageId) is not { } pending || !caller.MayActAs(pending.From)) return notFound;
            return new MessageStatusResponse(pending.MessageId, pending.ConversationId, null, MessageStatus.Accepted, [],
                [new StatusHistoryEntry(MessageStatus.Accepted, pending.AcceptedAt, null, null, null)]);
        }
        var conversation = await store.FindConversationAsync(view.Message.ConversationId, ct);
        if (conversation is null || !conversation.Members.Any(caller.MayActAs)) return notFound;
        return new MessageStatusResponse(
            view.Message.MessageId, view.Message.ConversationId, view.Message.SequenceNumber, view.Status,
            view.Recipients.Select(r => new RecipientStatusResponse(r.Username, r.Channel, r.Status, r.UpdatedAt)).ToList(),
            view.History.Select(h => new StatusHistoryEntry(h.Status, h.At, h.Recipient, h.Channel, h.Detail)).ToList(),
            conversation.Type == Conversation.Group ? ReceiptSummary.Of(view.Message.From, view.Recipients) : null);
    }
}
