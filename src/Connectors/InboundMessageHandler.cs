using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Kafka;
using Chat.Storage;

namespace Chat.Connectors;

/// <summary>Turns a platform user's text into an accepted message on chat.messages (idempotent by the platform's own id).</summary>
internal sealed class InboundMessageHandler(
    IChannelDirectory metadata, IChannelProof proof, IMessageStore store, EventProducer producer, TimeProvider clock, ILogger<InboundMessageHandler> logger)
{
    /// <summary>A mock platform's webhook: each receipt, then the message if there is one.</summary>
    public async Task HandleAsync(string channel, MetaUpdate update, CancellationToken ct)
    {
        foreach (var (platformId, status) in update.Receipts) await PlatformReceiptAsync(channel, platformId, status, ct);
        if (update.Message is { } message) await AcceptAsync(channel, message.From, $"{channel}-{message.Id}", message.Text, ct);
    }

    /// <summary>A platform's delivered/read receipt for a message we sent there; the Router keeps statuses from moving backwards.</summary>
    public async Task PlatformReceiptAsync(string channel, string platformId, string status, CancellationToken ct)
    {
        var reference = Mock.MockConnector.ReferenceOf(channel, platformId)?.Split('/');
        var view = reference is [var messageId, _, _] ? await store.GetStatusAsync(messageId, ct) : null;
        if (view is null || status is not (MessageStatus.Delivered or MessageStatus.Read))
        {
            logger.LogInformation("{Channel} receipt for {PlatformId} ({Status}) ignored: not a message of ours, or not a status we track", channel, platformId, status);
            return;
        }
        await producer.PublishReceiptAsync(new Shared.Events.StatusEvent
        {
            EventId = $"{string.Join('/', reference!)}/{status}",
            MessageId = view.Message.MessageId,
            ConversationId = view.Message.ConversationId,
            SequenceNumber = view.Message.SequenceNumber,
            From = view.Message.From,
            Recipient = reference![1],
            Channel = channel,
            Status = status,
            Detail = $"{channel} receipt for {platformId}",
            At = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
        }, ct);
    }

    /// <summary>
    /// A proof code (Telegram: <c>/start &lt;code&gt;</c>; a mock platform: anywhere in the signed text) goes to
    /// Auth, and if it proves a mapping it is not also a message. Otherwise the text is a message from the
    /// user whose verified mapping names the sender (pending ones do not count).
    /// </summary>
    public async Task<bool> AcceptAsync(string channel, string externalId, string messageId, string text, CancellationToken ct)
    {
        var code = channel != "telegram" || text.StartsWith("/start ", StringComparison.Ordinal) ? ChannelProof.CodeIn(text) : null;
        if (code is not null && await proof.ProveAsync(channel, externalId, code, ct) is not null) return false;
        var user = await metadata.FindUserByChannelAsync(channel, externalId, ct);
        var conversationId = user is null ? null : await store.LastConversationOnChannelAsync(user, channel, ct);
        var conversation = conversationId is null ? null : await store.FindConversationAsync(conversationId, ct);
        if (user is null || conversation is null)
        {
            logger.LogInformation("Inbound {Channel} message from {External} dropped: {Why}", channel, externalId,
                user is null ? "no user has this mapping" : "no conversation has reached them there yet");
            return false;
        }
        var message = new NewMessage(messageId, conversation.ConversationId, user, conversation.Members.Where(m => m != user).ToList(), [Channels.App],
            new MessagePayload("text", text, null), clock.GetUtcNow(), ToEveryone: true);
        await producer.PublishAsync(ConversationEvents.Of(message.ToEvent()), ct);
        return true;
    }
}
