using Chat.Auth;
using Chat.Files;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;
using Confluent.Kafka;

namespace Chat.Frontend;

/// <summary>
/// Sending a message whose shape <see cref="SendMessageRules.CheckShape"/> passed: the caller must act for
/// the sender, the sender be a member, the recipients members, a file one the sender may pass on. Done
/// only once the message is on chat.messages; refused as unavailable, with nothing accepted, when the
/// broker cannot take it. A client's <c>message_id</c> names one message: sent again unchanged it is a
/// harmless retry; taken by another message this process can see (stored, or accepted here) it is a 409.
/// </summary>
internal sealed class SendMessageHandler(
    ConversationCache conversations, MessageSender sender, Allowances allowances, IBlockDirectory blocks, AcceptedMessages accepted, IFileDirectory metadata, IMessageStore store, TimeProvider clock,
    ILogger<SendMessageHandler> logger)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async Task<Outcome<NewMessage>> SendAsync(Caller caller, SendMessageRequest body, CancellationToken ct)
    {
        if (!caller.MayActAs(body.From))
            return new Refusal.Forbidden("from", caller.IsClient ? $"This client may not act for '{body.From}'." : $"You are '{caller.Subject}' and can send only as yourself.");
        var from = body.From!.Trim().ToLowerInvariant();
        var conversation = await conversations.FindAsync(body.ConversationId!, ct);
        if (conversation is null) return new Refusal.NotFound("conversation_id", $"No conversation '{body.ConversationId}'.");
        if (!conversation.HasMember(from)) return new Refusal.Forbidden("from", "Only members may send to a conversation.");
        // Into a direct conversation only while the other member has not blocked the sender; groups flow as before (issue 16).
        if (conversation.Type == Conversation.Direct && conversation.Members.FirstOrDefault(m => m != from) is { } other && await blocks.HasBlockedAsync(other, from, ct))
            return new Refusal.Forbidden("to", $"'{other}' does not accept messages from '{from}'.");
        var errors = new ValidationErrors();
        var recipients = SendMessageRules.Recipients(body, conversation, from, errors);
        if (errors.Any) return new Refusal.Invalid(errors);

        // A reply answers a message of the same conversation that the sender can read.
        if (body.ReplyTo is { } replyTo && !await CanReplyToAsync(replyTo, conversation, from, ct))
            return new Refusal.NotFound("reply_to", $"No message '{replyTo}' in this conversation that '{from}' can see.");

        FileSummary? file = null;
        if (body.Payload!.FileId is { } fileId && body.Payload.Type == "file")
        {
            // Whether the upload completed is the Router's to decide (it fails the message if not); here only: may the sender pass it on?
            var record = await metadata.FindFileAsync(fileId, ct);
            if (record is null || !await record.MayReadAsync(caller, store, ct)) return new Refusal.NotFound("payload.file_id", $"No file '{fileId}' that '{from}' may send.");
            file = new FileSummary(record.FileName, record.ContentType, record.Size, record.Sha256);
        }

        var message = new NewMessage(
            body.MessageId ?? Ids.New(), conversation.ConversationId, from, recipients,
            body.Channels is { Count: > 0 } channels ? channels.Select(c => c!).Distinct().ToList() : [Channels.App],
            new MessagePayload(body.Payload.Type!, body.Payload.Text, body.Payload.Type == "file" ? body.Payload.FileId : null, file), clock.GetUtcNow(),
            ToEveryone: body.To is null, ReplyTo: body.ReplyTo);
        if (body.MessageId is { } messageId && await TakenByAnotherAsync(message, ct))
            return new Refusal.Conflict("message_id",
                $"message_id '{messageId}' is already another message's (another sender, conversation or payload). Use a new id for a new message: a UUID.");
        if (await allowances.TakeSendAsync(caller, ct) is { } limited) return limited;
        try
        {
            await sender.SendAsync(message, ct);
        }
        catch (KafkaException e)
        {
            await allowances.GiveBackSendAsync(caller);
            logger.LogWarning("Message {MessageId} refused: the broker did not take it ({Reason})", message.MessageId, e.Error.Reason);
            return new Refusal.Unavailable(
                $"The message log cannot take messages right now; nothing was accepted. Retry after {RetryAfter.TotalSeconds:0} seconds with message_id '{message.MessageId}', so a retry can never make two.",
                RetryAfter);
        }
        logger.LogDebug("Accepted message {MessageId} from {From} into {ConversationId}", message.MessageId, from, message.ConversationId);
        return message;
    }

    private async Task<bool> CanReplyToAsync(string replyTo, Conversation conversation, string from, CancellationToken ct) =>
        await store.FindMessageAsync(replyTo, ct) is { } original && original.ConversationId == conversation.ConversationId
        && (await store.MembershipAsync(conversation.ConversationId, ct)).Any(i => i.Username == from && i.Contains(original.SequenceNumber));

    /// <summary>
    /// Whether the id belongs to a different message. Only what this process can see: one accepted
    /// elsewhere and not stored yet is the Router's to refuse (its sender then gets <c>failed</c>).
    /// </summary>
    private async Task<bool> TakenByAnotherAsync(NewMessage message, CancellationToken ct)
    {
        if (accepted.Find(message.MessageId) is { } first) return !MessageIds.SameMessage(message, first.ConversationId, first.From, first.Payload);
        return await store.GetStatusAsync(message.MessageId, ct) is { Message: var stored }
            && !MessageIds.SameMessage(message, stored.ConversationId, stored.From, stored.Payload);
    }
}
