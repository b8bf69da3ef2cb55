using System.Diagnostics;
using Chat.Presence;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Google.Protobuf.WellKnownTypes;

namespace Chat.Router;

/// <summary>
/// A membership, role or title change, decided at its position in the partition (the store decides and
/// records it in one transaction): applied, its system message is pushed to its recipients like any
/// message; refused (the state there no longer allows it, a race), the actor gets an <c>error</c> frame.
/// Either way the outcome goes onto chat.conversations, for Frontends to evict their membership caches
/// and for webhooks (<c>conversation.updated</c>). A replayed change is a duplicate: its outcome is
/// published and its system message pushed again (consumers dedupe by event id, sockets skip what they sent).
/// </summary>
internal sealed class ConversationChanges(IMessageStore store, EventProducer producer, LiveDelivery live, TimeProvider clock, ILogger<ConversationChanges> logger)
{
    public const string Applied = "applied";
    public const string Refused = "refused";

    /// <summary>Null once done; otherwise why the record can never be applied (for the dead-letter topic).</summary>
    public async Task<string?> ApplyAsync(ConversationEvent envelope, ActivityContext trace, CancellationToken cancellationToken)
    {
        var e = envelope.Change;
        var request = new ChangeRequest(e.Kind, e.Actor, NullIfEmpty(e.Target), NullIfEmpty(e.Role), NullIfEmpty(e.Title));
        var result = await store.ApplyChangeAsync(new ChangeEvent(envelope.EventId, envelope.ConversationId, request, e.AcceptedAt.ToDateTimeOffset()), cancellationToken);
        if (result.Outcome == ChangeOutcome.UnknownConversation) return $"Conversation '{envelope.ConversationId}' does not exist.";

        var updated = new ConversationUpdated
        {
            EventId = envelope.EventId, ConversationId = envelope.ConversationId, Kind = e.Kind, Actor = e.Actor, Target = e.Target, Role = e.Role, Title = e.Title,
        };
        if (result.SystemMessage is { } message)
        {
            updated.Status = Applied;
            updated.SequenceNumber = message.SequenceNumber;
            updated.NewOwner = message.Payload.System?.NewOwner ?? "";
            updated.Members.Add(result.MembersAfter ?? []);
            updated.Notify.Add(message.To);
            updated.At = Timestamp.FromDateTimeOffset(message.SentAt);
            await live.NewMessagesAsync([message], cancellationToken);
        }
        else
        {
            updated.Status = Refused;
            updated.Detail = result.RefusedBecause ?? "";
            updated.Notify.Add(e.Actor);
            updated.At = Timestamp.FromDateTimeOffset(clock.GetUtcNow());
            if (result.Outcome == ChangeOutcome.Refused)
            {
                logger.LogInformation("Change {EventId} ({Kind} by {Actor}) to {ConversationId} refused at its position: {Detail}",
                    envelope.EventId, e.Kind, e.Actor, envelope.ConversationId, updated.Detail);
                await live.ToUserAsync(e.Actor, Frames.ChangeRefused(envelope.EventId, envelope.ConversationId, updated.Detail), cancellationToken);
            }
        }
        await producer.ProduceAsync(Topics.Conversations, envelope.ConversationId, updated, EventTypes.ConversationUpdated, envelope.EventId, cancellationToken, trace);
        return null;
    }

    /// <summary>Why a change event cannot be decided at all (fields missing, a kind this code does not know), or null.</summary>
    public static string? Problem(ConversationEvent envelope)
    {
        var e = envelope.Change;
        if (!ChangeKinds.All.Contains(e.Kind)) return $"a ConversationChange of unknown kind '{e.Kind}'";
        var missing = new[]
        {
            envelope.EventId.Length == 0 ? "event_id" : null, envelope.ConversationId.Length == 0 ? "conversation_id" : null,
            e.Actor.Length == 0 ? "actor" : null, e.AcceptedAt is null ? "accepted_at" : null,
            e.Kind is ChangeKinds.TitleChanged ? e.Title.Length == 0 ? "title" : null : e.Target.Length == 0 ? "target" : null,
            e.Kind is ChangeKinds.RoleChanged && e.Role.Length == 0 ? "role" : null,
        }.OfType<string>().ToList();
        return missing.Count == 0 ? null : "ConversationChange without " + string.Join(", ", missing);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
