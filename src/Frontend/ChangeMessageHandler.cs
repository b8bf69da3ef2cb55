using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Http;
using Chat.Shared.Kafka;
using Chat.Storage;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Chat.Frontend;

/// <summary>
/// An edit, delete or reaction whose shape passed: pre-checked here against the stored message with the
/// Router's own rules (<see cref="MessageRules"/>: whose it is, the edit window, membership), so most
/// refusals are an immediate 4xx; then put on chat.messages in the message's conversation, where the Router
/// decides it for good at its position (a race it refuses reaches the actor as an <c>error</c> frame and a webhook).
/// </summary>
internal sealed class ChangeMessageHandler(IMessageStore store, MessageSender sender, IOptions<MessageChangeOptions> options, TimeProvider clock,
    ILogger<ChangeMessageHandler> logger)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <param name="actor">Whom a client acts for (the <c>actor</c> query parameter); a user acts as themself.</param>
    /// <returns>The change's event id.</returns>
    public async Task<Outcome<string>> ChangeAsync(Caller caller, string? actor, string messageId, string kind, string? text, string? emoji, CancellationToken ct,
        DateTimeOffset? expiresAt = null)
    {
        if (ChangeConversationHandler.ActorOf(caller, actor) is not { } who)
            return caller.IsClient && actor is null
                ? new Refusal.Invalid("actor", "Is required for a client: the member it acts for.")
                : new Refusal.Forbidden("actor", caller.IsClient ? $"This client may not act for '{actor}'." : "You can act only as yourself.");
        // A message accepted but not stored yet is not here either: it can be changed once the Router stored it, a moment later.
        var message = await store.FindMessageAsync(messageId, ct);
        var conversation = message is null ? null : await store.FindConversationAsync(message.ConversationId, ct);
        if (message is null || conversation is null) return new Refusal.NotFound("message_id", $"No message '{messageId}' that '{who}' can see.");
        var request = new MessageChangeRequest(kind, message.MessageId, who, text, emoji, expiresAt);
        var now = clock.GetUtcNow();
        if (MessageRules.Check(conversation, await store.MembershipAsync(conversation.ConversationId, ct), message, request, options.Value.EditWindow, now) is { } refusal)
            return refusal;

        var eventId = Ids.New();
        var change = new MessageChange
        {
            Kind = kind, MessageId = message.MessageId, Actor = who, Text = text ?? "", Emoji = emoji ?? "", AcceptedAt = Timestamp.FromDateTimeOffset(now),
            ExpiresAt = expiresAt is { } expires ? Timestamp.FromDateTimeOffset(expires) : null,
        };
        try
        {
            await sender.SendChangeAsync(ConversationEvents.Of(eventId, conversation.ConversationId, change), ct);
        }
        catch (KafkaException e)
        {
            logger.LogWarning("Change {Kind} of message {MessageId} refused: the broker did not take it ({Reason})", kind, messageId, e.Error.Reason);
            return new Refusal.Unavailable($"The message log cannot take changes right now; nothing was accepted. Retry after {RetryAfter.TotalSeconds:0} seconds.", RetryAfter);
        }
        logger.LogDebug("Accepted change {EventId} ({Kind} of {MessageId} by {Actor})", eventId, kind, messageId, who);
        return eventId;
    }
}
