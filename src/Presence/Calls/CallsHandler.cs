using System.Text.Json;
using Chat.Presence.Calls.Storage;
using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Google.Protobuf.WellKnownTypes;

namespace Chat.Presence.Calls;

/// <summary>
/// A call's life (docs/api.md, "Calls"): started by a member, ringing the others; answered, rejected
/// or ended by its participants; missed when its ring times out. Each change is stored (compared on the
/// call's version) before the participants' sockets hear of it, so a Presence restart loses nothing.
/// A call that ended is put on chat.messages (<see cref="CallEnded"/>) for the Router to store as its system message.
/// </summary>
internal sealed class CallsHandler(ICallStore calls, IMessageStore messages, LivePush live, EventProducer producer, TimeProvider clock, ILogger<CallsHandler> logger)
{
    public async Task<Outcome<Call>> StartAsync(string caller, string conversationId, string media, CancellationToken ct)
    {
        var conversation = await messages.FindConversationAsync(conversationId, ct);
        if (conversation is null || !conversation.HasMember(caller)) return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}' of yours.");
        if (conversation.Members.Count < 2) return new Refusal.Conflict("conversation_id", "Nobody else is in this conversation to call.");
        var call = await calls.CreateAsync(new Call(Ids.New(), conversationId, caller, media, Call.Ringing, null, conversation.Members.ToList(), [caller], [],
            clock.GetUtcNow(), null, null), ct);
        await PushAsync(call.Callees.ToList(), FrameTypes.CallIncoming, call, null, ct);
        return call;
    }

    public Task<Outcome<Call>> AnswerAsync(string username, string callId, CancellationToken ct) =>
        ChangeAsync(username, callId, calleeOnly: true, ct, call =>
            call.State == Call.Ringing
                ? (call with { State = Call.Active, AnsweredAt = clock.GetUtcNow(), Joined = [.. call.Joined, username] }, FrameTypes.CallAnswered)
                : call.State == Call.Active && !call.Joined.Contains(username)
                    ? (call with { Joined = [.. call.Joined, username] }, FrameTypes.CallAnswered) // a group call: joining one in progress
                    : null);

    /// <summary>A callee declines; once every callee has, the call ends <c>rejected</c>.</summary>
    public Task<Outcome<Call>> RejectAsync(string username, string callId, CancellationToken ct) =>
        ChangeAsync(username, callId, calleeOnly: true, ct, call => Decline(call, username));

    private (Call, string)? Decline(Call call, string username)
    {
        if (call.State != Call.Ringing || call.Rejected.Contains(username)) return null;
        var rejected = call with { Rejected = [.. call.Rejected, username] };
        return rejected.Callees.All(rejected.Rejected.Contains)
            ? (rejected with { State = Call.Ended, Outcome = Call.Declined, EndedAt = clock.GetUtcNow() }, FrameTypes.CallRejected)
            : (rejected, FrameTypes.CallRejected);
    }

    /// <summary>Hanging up: an answered call ends <c>completed</c>; a ringing one <c>cancelled</c> by its caller (a callee rejects instead).</summary>
    public Task<Outcome<Call>> EndAsync(string username, string callId, CancellationToken ct) =>
        ChangeAsync(username, callId, calleeOnly: false, ct, call => call.State switch
        {
            Call.Active => (call with { State = Call.Ended, Outcome = Call.Completed, EndedAt = clock.GetUtcNow() }, FrameTypes.CallEnded),
            Call.Ringing when username == call.Caller => (call with { State = Call.Ended, Outcome = Call.Cancelled, EndedAt = clock.GetUtcNow() }, FrameTypes.CallEnded),
            Call.Ringing => Decline(call, username),
            _ => null,
        });

    /// <summary>The ring timed out: the call ends <c>missed</c> (once, whichever node's sweep gets there first).</summary>
    public async Task<bool> MissAsync(Call call, CancellationToken ct)
    {
        var missed = call with { State = Call.Ended, Outcome = Call.Missed, EndedAt = clock.GetUtcNow(), Version = call.Version + 1 };
        if (!await calls.UpdateAsync(missed, ct)) return false;
        await PushAsync(missed.Participants, FrameTypes.CallEnded, missed, null, ct);
        await RecordAsync(missed, ct);
        return true;
    }

    /// <summary>Relays a <c>call.signal</c> from one participant to another, unstored; null when sent, else the error frame's code and detail.</summary>
    public async Task<(string, string)?> SignalAsync(string from, string callId, string to, JsonElement data, CancellationToken ct)
    {
        var call = await calls.FindAsync(callId, ct);
        if (call is null || !call.HasParticipant(from)) return ("forbidden", $"You are not a participant of call '{callId}'.");
        if (call.State == Call.Ended) return ("not_found", $"Call '{callId}' has ended.");
        if (to == from || !call.HasParticipant(to)) return ("forbidden", $"'{to}' is not another participant of call '{callId}'.");
        await live.SendAsync([to], JsonSerializer.SerializeToUtf8Bytes(new CallSignalFrame(FrameTypes.CallSignal, callId, from, data), CallJsonContext.Default.CallSignalFrame), ct);
        return null;
    }

    private async Task<Outcome<Call>> ChangeAsync(string username, string callId, bool calleeOnly, CancellationToken ct, Func<Call, (Call Changed, string Frame)?> change)
    {
        while (true)
        {
            var call = await calls.FindAsync(callId, ct);
            if (call is null || !call.HasParticipant(username)) return new Refusal.NotFound("call_id", $"No call '{callId}' of yours.");
            if (calleeOnly && username == call.Caller) return new Refusal.Forbidden("call_id", "The caller cannot answer or reject their own call; end it instead.");
            if (change(call) is not var (changed, frame))
            {
                // A retried end (its first answer lost, or its system message not published): publish again; the Router stores it once.
                if (call.State == Call.Ended) await RecordAsync(call, ct);
                return new Refusal.Conflict("call_id", $"Call '{callId}' is {call.State}{(call.Outcome is { } o ? $" ({o})" : "")}: that does not apply now.");
            }
            changed = changed with { Version = call.Version + 1 };
            if (!await calls.UpdateAsync(changed, ct)) continue; // changed meanwhile: decide again on what is stored
            await PushAsync(changed.Participants, frame, changed, frame is FrameTypes.CallAnswered or FrameTypes.CallRejected ? username : null, ct);
            if (frame == FrameTypes.CallRejected && changed.State == Call.Ended) await PushAsync(changed.Participants, FrameTypes.CallEnded, changed, null, ct);
            if (changed.State == Call.Ended) await RecordAsync(changed, ct);
            return changed;
        }
    }

    /// <summary>
    /// Puts the ended call on chat.messages, keyed by its conversation, under the message id derived from the call,
    /// so however often this runs the conversation gets one system message. The call has ended either way: a broker
    /// that cannot take it now is logged, and the next request on the call (a retried end) publishes again.
    /// </summary>
    private async Task RecordAsync(Call call, CancellationToken ct)
    {
        var ended = new CallEnded
        {
            CallId = call.CallId, Caller = call.Caller, Media = call.Media, Outcome = call.Outcome ?? "", Participants = { call.Participants },
            Joined = { call.Joined }, StartedAt = Timestamp.FromDateTimeOffset(call.StartedAt), EndedAt = Timestamp.FromDateTimeOffset(call.EndedAt ?? clock.GetUtcNow()),
            AnsweredAt = call.AnsweredAt is { } answered ? Timestamp.FromDateTimeOffset(answered) : null,
        };
        try
        {
            await producer.PublishAsync(ConversationEvents.Of(CallMessages.MessageIdOf(call.CallId), call.ConversationId, ended), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Call {CallId} ended ({Outcome}) but its system message could not be published; a retried end publishes it again", call.CallId, call.Outcome);
        }
    }

    private Task PushAsync(IReadOnlyList<string> usernames, string type, Call call, string? username, CancellationToken ct) =>
        live.SendAsync(usernames, JsonSerializer.SerializeToUtf8Bytes(new CallFrame(type, CallView.Of(call), username), CallJsonContext.Default.CallFrame), ct);
}
