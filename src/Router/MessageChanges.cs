using System.Diagnostics;
using Chat.Auth;
using Chat.Presence;
using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace Chat.Router;

/// <summary>
/// An edit, delete or reaction, decided at its position in the partition and applied by the store in one
/// transaction (issue 17). Applied: the members who can see the message get <c>message.updated</c>,
/// <c>message.deleted</c> or <c>message.reaction</c> on every socket (the actor's other devices too), each
/// with the reactions' <c>me</c> as that reader sees it; an edit or delete of what went out on a platform
/// goes to its connector. Refused (the state no longer allows it, or the message is not stored: a change
/// that arrives before its message, across a crash replay, fails cleanly rather than waiting on the
/// partition), the actor gets an <c>error</c> frame. Either way the outcome goes onto chat.conversations for
/// webhooks. A replayed change is a duplicate: nothing changes, its frames and outcome go out again
/// (carrying the state now; webhooks dedupe by event id).
/// </summary>
internal sealed class MessageChanges(IMessageStore store, EventProducer producer, LiveDelivery live, IChannelDirectory channels,
    IOptions<MessageChangeOptions> options, TimeProvider clock, ILogger<MessageChanges> logger)
{
    /// <summary>Null once done; otherwise why the record can never be applied (for the dead-letter topic).</summary>
    public async Task<string?> ApplyAsync(ConversationEvent envelope, ActivityContext trace, CancellationToken cancellationToken)
    {
        var e = envelope.MessageChange;
        var request = new MessageChangeRequest(e.Kind, e.MessageId, e.Actor, NullIfEmpty(e.Text), NullIfEmpty(e.Emoji), e.ExpiresAt?.ToDateTimeOffset());
        var change = new MessageChangeEvent(envelope.EventId, envelope.ConversationId, request, e.AcceptedAt.ToDateTimeOffset());
        var result = await store.ApplyMessageChangeAsync(change, options.Value.EditWindow, cancellationToken);
        if (result.Outcome == MessageChangeOutcome.UnknownConversation) return $"Conversation '{envelope.ConversationId}' does not exist.";

        var outcome = new MessageChanged
        {
            EventId = envelope.EventId, ConversationId = envelope.ConversationId, MessageId = e.MessageId, Kind = e.Kind, Actor = e.Actor, Emoji = e.Emoji,
            At = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
        };
        if (result.RefusedBecause is { } why)
        {
            outcome.Status = ConversationChanges.Refused;
            outcome.Detail = why;
            outcome.Notify.Add(e.Actor);
            if (result.Outcome == MessageChangeOutcome.Refused)
            {
                logger.LogInformation("Change {EventId} ({Kind} of {MessageId} by {Actor}) refused at its position: {Detail}", envelope.EventId, e.Kind, e.MessageId, e.Actor, why);
                await live.ToUserAsync(e.Actor, Frames.ChangeRefused(envelope.EventId, envelope.ConversationId, why), cancellationToken);
            }
        }
        else if (result is { Outcome: not MessageChangeOutcome.Unchanged, Message: { } message })
        {
            var audience = result.Audience ?? [];
            outcome.Status = ConversationChanges.Applied;
            outcome.From = message.From;
            outcome.SequenceNumber = message.SequenceNumber;
            outcome.Version = message.Version;
            outcome.Text = message.Payload.Text ?? "";
            outcome.Reactions.Add((message.Reactions ?? []).Select(r => new ReactionCount { Emoji = r.Emoji, Count = r.Users.Count }));
            outcome.Notify.Add(audience);
            // A pin changes no message: its members hear of it as its system message (issue 25).
            if (MessageChangeKinds.IsPin(e.Kind)) await live.NewMessagesAsync(result.SystemMessage is { } pinned ? [pinned] : [], cancellationToken);
            else await live.MessageChangedAsync(e.Kind, e.Actor, e.Emoji, message, audience, cancellationToken);
            if (e.Kind is MessageChangeKinds.Edited or MessageChangeKinds.Deleted) await HandToConnectorsAsync(envelope.EventId, e.Kind, message, trace, cancellationToken);
        }
        else return null; // allowed but nothing changed: a reaction added twice, or removed when there was none
        await producer.ProduceAsync(Topics.Conversations, envelope.ConversationId, outcome, EventTypes.MessageChanged, envelope.EventId, cancellationToken, trace);
        return null;
    }

    /// <summary>The same change on each platform the message went out on (where it is sent, delivered or read): the connectors edit or delete it there.</summary>
    private async Task HandToConnectorsAsync(string eventId, string kind, StoredMessage message, ActivityContext trace, CancellationToken ct)
    {
        var view = await store.GetStatusAsync(message.MessageId, ct);
        foreach (var recipient in view?.Recipients.Where(r => r.Channel != Channels.App && r.Status is MessageStatus.Sent or MessageStatus.Delivered or MessageStatus.Read) ?? [])
        {
            var mapping = (await channels.ChannelMappingsAsync(recipient.Username, ct)).FirstOrDefault(m => m.Channel == recipient.Channel && m.Verified);
            if (mapping is null) continue; // the mapping went away since: nothing of ours to reach there
            var delivery = new ConnectorDelivery
            {
                DeliveryId = $"{message.MessageId}/{recipient.Username}/{recipient.Channel}/{eventId}",
                MessageId = message.MessageId, ConversationId = message.ConversationId, SequenceNumber = message.SequenceNumber, From = message.From,
                Recipient = recipient.Username, Channel = recipient.Channel, ExternalId = mapping.ExternalId,
                Payload = MessageEvents.ToPayload(message.Payload), Attempt = 1,
                Action = kind == MessageChangeKinds.Edited ? ConnectorActions.Edit : ConnectorActions.Delete, ChangeEventId = eventId,
            };
            await producer.ProduceAsync(Topics.Deliveries, message.ConversationId, delivery, EventTypes.Delivery, $"{delivery.DeliveryId}/1", ct, trace);
        }
    }

    /// <summary>Why a message change event cannot be decided at all (fields missing, a kind this code does not know), or null.</summary>
    public static string? Problem(ConversationEvent envelope)
    {
        var e = envelope.MessageChange;
        if (!MessageChangeKinds.All.Contains(e.Kind)) return $"a MessageChange of unknown kind '{e.Kind}'";
        var missing = new[]
        {
            envelope.EventId.Length == 0 ? "event_id" : null, envelope.ConversationId.Length == 0 ? "conversation_id" : null,
            e.MessageId.Length == 0 ? "message_id" : null, e.Actor.Length == 0 ? "actor" : null, e.AcceptedAt is null ? "accepted_at" : null,
            e.Kind == MessageChangeKinds.Edited && e.Text.Length == 0 ? "text" : null,
            MessageChangeKinds.IsReaction(e.Kind) && e.Emoji.Length == 0 ? "emoji" : null,
        }.OfType<string>().ToList();
        return missing.Count == 0 ? null : "MessageChange without " + string.Join(", ", missing);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
