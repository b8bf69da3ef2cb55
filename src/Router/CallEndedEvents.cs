using Chat.Shared.Events;
using Chat.Storage;

namespace Chat.Router;

/// <summary>
/// A call that ended (issue 21), as the Router stores it: the conversation's next system message, routed and
/// numbered like any message. Its message id is the event's, which the Presence node derived from the call
/// (<see cref="CallMessages.MessageIdOf"/>), so a second publication of the same end is a duplicate.
/// </summary>
internal static class CallEndedEvents
{
    public static (NewMessage? Message, string? Problem) Parse(ConversationEvent envelope)
    {
        var e = envelope.CallEnded;
        var missing = new[]
        {
            envelope.EventId.Length == 0 ? "event_id" : null, envelope.ConversationId.Length == 0 ? "conversation_id" : null,
            e.CallId.Length == 0 ? "call_id" : null, e.Caller.Length == 0 ? "caller" : null, e.Media.Length == 0 ? "media" : null,
            e.Outcome.Length == 0 ? "outcome" : null, e.Participants.Count == 0 ? "participants" : null,
            e.StartedAt is null ? "started_at" : null, e.EndedAt is null ? "ended_at" : null,
        }.OfType<string>().ToList();
        if (missing.Count > 0) return (null, "CallEnded without " + string.Join(", ", missing));
        if (envelope.EventId != CallMessages.MessageIdOf(e.CallId))
            return (null, $"a CallEnded whose event_id is not the one derived from call '{e.CallId}': it could be stored twice");
        var call = new CallSummary(e.CallId, e.Media, e.Outcome, e.Participants.ToList(), e.Joined.ToList(),
            e.StartedAt!.ToDateTimeOffset(), e.AnsweredAt?.ToDateTimeOffset(), e.EndedAt!.ToDateTimeOffset());
        return (CallMessages.Of(envelope.ConversationId, e.Caller, call), null);
    }
}
