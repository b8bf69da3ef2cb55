using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Http;
using Chat.Shared.Kafka;
using Chat.Storage;
using Confluent.Kafka;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Chat.Frontend;

/// <summary>
/// A change to a group (members, roles, title) whose shape passed: pre-checked here against the stored
/// state with the Router's own rules (<see cref="GroupRules"/>), so most refusals are an immediate 4xx
/// and nothing reaches the log; then put on chat.messages, where the Router decides it for good at its
/// position (a race it refuses reaches the actor as an <c>error</c> frame and a webhook).
/// </summary>
internal sealed class ChangeConversationHandler(IMessageStore store, IUserDirectory users, MessageSender sender, TimeProvider clock,
    ILogger<ChangeConversationHandler> logger)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    /// <param name="actor">Whom a client acts for (the <c>actor</c> query parameter); a user acts as themself.</param>
    /// <returns>The change's event id (its system message's id once applied).</returns>
    public async Task<Outcome<string>> ChangeAsync(Caller caller, string? actor, string conversationId, string kind, string? target, string? role, string? title,
        CancellationToken ct)
    {
        if (ActorOf(caller, actor) is not { } who)
            return caller.IsClient && actor is null
                ? new Refusal.Invalid("actor", "Is required for a client: the member it acts for.")
                : new Refusal.Forbidden("actor", caller.IsClient ? $"This client may not act for '{actor}'." : "You can act only as yourself.");
        var conversation = await store.FindConversationAsync(conversationId, ct);
        if (conversation is null) return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}'.");
        if (kind == ChangeKinds.MemberRemoved && target == who) kind = ChangeKinds.MemberLeft;
        var request = new ChangeRequest(kind, who, target, role, title);
        if (GroupRules.Decide(conversation, await store.MembershipAsync(conversationId, ct), request) is Outcome<DecidedChange>.Refused refused) return refused.Why;
        if (kind == ChangeKinds.MemberAdded && !(await users.ExistingUsersAsync([target!], ct)).Contains(target!))
            return new Refusal.NotFound("username", $"No user '{target}' exists.");

        var eventId = Ids.New();
        var change = new ConversationChange
        {
            Kind = kind, Actor = who, Target = target ?? "", Role = role ?? "", Title = title ?? "", AcceptedAt = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
        };
        try
        {
            await sender.SendChangeAsync(ConversationEvents.Of(eventId, conversationId, change), ct);
        }
        catch (KafkaException e)
        {
            logger.LogWarning("Change {Kind} of {ConversationId} refused: the broker did not take it ({Reason})", kind, conversationId, e.Error.Reason);
            return new Refusal.Unavailable($"The message log cannot take changes right now; nothing was accepted. Retry after {RetryAfter.TotalSeconds:0} seconds.", RetryAfter);
        }
        logger.LogDebug("Accepted change {EventId} ({Kind} by {Actor}) of {ConversationId}", eventId, kind, who, conversationId);
        return eventId;
    }

    /// <summary>The member the caller acts as: a user themself; a client the member it names, if it may act for them.</summary>
    internal static string? ActorOf(Caller caller, string? actor)
    {
        if (!caller.IsClient) return actor is null || caller.MayActAs(actor) ? caller.Username!.ToLowerInvariant() : null;
        return actor is not null && caller.MayActAs(actor) ? actor.Trim().ToLowerInvariant() : null;
    }
}
