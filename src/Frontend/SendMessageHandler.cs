using Chat.Auth;
using Chat.Files;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Chat.Frontend;

/// <summary>
/// Sending a message whose shape <see cref="SendMessageRules.CheckShape"/> passed: the caller must act for
/// the sender, the sender be a member, the recipients members, a file one the sender may pass on. Done
/// only once the message is on chat.messages; refused as unavailable, with nothing accepted, when the
/// broker cannot take it. A client's <c>message_id</c> names one message: sent again unchanged it is a
/// harmless retry; taken by another message this process can see (stored, or accepted here) it is a 409.
/// </summary>
internal sealed class SendMessageHandler(
    ConversationCache conversations, MessageSender sender, Allowances allowances, IBlockDirectory blocks, IUserDirectory users, AcceptedMessages accepted, IFileDirectory metadata, IMessageStore store, TimeProvider clock,
    IOptions<MentionsOptions> mentionLimits, ILogger<SendMessageHandler> logger)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async Task<Outcome<NewMessage>> SendAsync(Caller caller, SendMessageRequest body, CancellationToken ct)
    {
        var prepared = await PrepareAsync(caller, body, ct);
        if (prepared is not Outcome<NewMessage>.Done { Value: var message }) return prepared;
        if (await allowances.TakeSendAsync(caller, ct) is { } limited) return limited;
        return (await ProduceAsync(caller, [message]))[0];
    }

    /// <summary>
    /// <c>POST /v1/messages/batch</c>: each item checked and answered on its own, as if sent alone (in
    /// order: an id used twice in one batch for two different messages is a 409 on the second), and
    /// the accepted ones produced together, so the producer sends them in as few requests as it can.
    /// </summary>
    public async Task<IReadOnlyList<Outcome<NewMessage>>> SendBatchAsync(Caller caller, IReadOnlyList<SendMessageRequest> bodies, CancellationToken ct)
    {
        var outcomes = new Outcome<NewMessage>[bodies.Count];
        var inThisBatch = new Dictionary<string, NewMessage>();
        var toProduce = new List<(int Index, NewMessage Message)>();
        for (var i = 0; i < bodies.Count; i++)
        {
            outcomes[i] = await PrepareAsync(caller, bodies[i], ct);
            if (outcomes[i] is not Outcome<NewMessage>.Done { Value: var message }) continue;
            if (inThisBatch.TryGetValue(message.MessageId, out var earlier) && !MessageIds.SameMessage(message, earlier.ConversationId, earlier.From, earlier.Payload))
                outcomes[i] = IdTaken(message.MessageId);
            else if (await allowances.TakeSendAsync(caller, ct) is { } limited)
                outcomes[i] = limited;
            else
            {
                inThisBatch.TryAdd(message.MessageId, message);
                toProduce.Add((i, message));
            }
        }
        var produced = await ProduceAsync(caller, toProduce.Select(p => p.Message).ToList());
        for (var j = 0; j < toProduce.Count; j++) outcomes[toProduce[j].Index] = produced[j];
        return outcomes;
    }

    /// <summary>Every check of a send, nothing taken or produced yet: the message to produce, or why not.</summary>
    private async Task<Outcome<NewMessage>> PrepareAsync(Caller caller, SendMessageRequest body, CancellationToken ct)
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
        // A direct conversation with a deleted account is read-only: no one would ever receive what is sent.
        if (conversation.Type == Conversation.Direct && conversation.Members.FirstOrDefault(m => m != from) is { } peer && (await users.DeletedUsersAsync([peer], ct)).Count > 0)
            return new Refusal.Forbidden("to", "The other member deleted their account: the conversation is read-only.");
        var errors = new ValidationErrors();
        ThreadAndMentionRules.CheckShape(body, mentionLimits.Value, errors);
        var recipients = SendMessageRules.Recipients(body, conversation, from, errors);
        if (errors.Any) return new Refusal.Invalid(errors);

        // A reply answers a message of the same conversation that the sender can read.
        if (body.ReplyTo is { } replyTo && !await CanReplyToAsync(replyTo, conversation, from, ct))
            return new Refusal.NotFound("reply_to", $"No message '{replyTo}' in this conversation that '{from}' can see.");
        // A thread reply joins a root of this conversation; mentions name members (issue 25).
        if (body.ThreadRoot is { } threadRoot && await ThreadAndMentionRules.CheckThreadRootAsync(store, threadRoot, conversation, from, ct) is { } badRoot)
            return badRoot;
        IReadOnlyList<string>? mentions = null;
        if (body.Payload!.Mentions is { Count: > 0 } named)
        {
            var checkedMentions = await ThreadAndMentionRules.MentionsAsync(store, named, conversation, from, mentionLimits.Value, ct);
            if (checkedMentions is Outcome<IReadOnlyList<string>>.Refused refused) return refused.Why;
            mentions = ((Outcome<IReadOnlyList<string>>.Done)checkedMentions).Value;
        }

        FileSummary? file = null;
        if (body.Payload!.FileId is { } fileId && body.Payload.Type == "file")
        {
            // The Router checks completion again (a record can change between here and there); refusing here spares the sender a failed message.
            var record = await metadata.FindFileAsync(fileId, ct);
            if (record is null || !await record.MayReadAsync(caller, store, ct)) return new Refusal.NotFound("payload.file_id", $"No file '{fileId}' that '{from}' may send.");
            if (record.Status != FileRecord.Completed)
                return new Refusal.Conflict("payload.file_id", $"File '{fileId}' is {record.Status}, not completed: POST /v1/files/complete (and wait for it to answer 200) before sending it.");
            file = new FileSummary(record.FileName, record.ContentType, record.Size, record.Sha256);
        }

        var message = new NewMessage(
            body.MessageId ?? Ids.New(), conversation.ConversationId, from, recipients,
            body.Channels is { Count: > 0 } channels ? channels.Select(c => c!).Distinct().ToList() : [Channels.App],
            new MessagePayload(body.Payload.Type!, body.Payload.Text, body.Payload.Type == "file" ? body.Payload.FileId : null, file,
                Ciphertexts: body.Payload.Type == MessagePayload.EncryptedType ? body.Payload.Ciphertexts!.Select(c => new Ciphertext(c!.DeviceId!, c.Type!, c.Body!)).ToList() : null),
            clock.GetUtcNow(),
            ToEveryone: body.To is null, ReplyTo: body.ReplyTo, ThreadRoot: body.ThreadRoot, AlsoToConversation: body.AlsoSendToConversation == true, Mentions: mentions);
        if (body.MessageId is { } messageId && await TakenByAnotherAsync(message, ct)) return IdTaken(messageId);
        return message;
    }

    private static Refusal IdTaken(string messageId) => new Refusal.Conflict("message_id",
        $"message_id '{messageId}' is already another message's (another sender, conversation or payload). Use a new id for a new message: a UUID.");

    /// <summary>All produced at once, in order; each accepted once the broker has it, or refused (its allowance given back) if the broker could not take it.</summary>
    private async Task<Outcome<NewMessage>[]> ProduceAsync(Caller caller, IReadOnlyList<NewMessage> messages)
    {
        var produced = await sender.SendManyAsync(messages);
        return await Task.WhenAll(produced.Select(async (task, i) =>
        {
            var message = messages[i];
            try
            {
                await task;
            }
            catch (KafkaException e)
            {
                await allowances.GiveBackSendAsync(caller);
                logger.LogWarning("Message {MessageId} refused: the broker did not take it ({Reason})", message.MessageId, e.Error.Reason);
                return (Outcome<NewMessage>)new Refusal.Unavailable(
                    $"The message log cannot take messages right now; nothing was accepted. Retry after {RetryAfter.TotalSeconds:0} seconds with message_id '{message.MessageId}', so a retry can never make two.",
                    RetryAfter);
            }
            logger.LogDebug("Accepted message {MessageId} from {From} into {ConversationId}", message.MessageId, message.From, message.ConversationId);
            return message;
        }));
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
        return await store.FindIdentityAsync(message.MessageId, ct) is { } stored
            && !MessageIds.SameMessage(message, stored.ConversationId, stored.From, stored.Payload, stored.ChangedSince);
    }
}
