using System.Security.Cryptography;
using System.Text;

namespace Chat.Storage;

/// <summary>
/// What a call's system message records (issue 21): its outcome, media, who it rang and who took part, and
/// when it started, was answered and ended. The call store keeps the call; this is its trace in the conversation.
/// </summary>
/// <param name="Participants">The members it rang, the caller first.</param>
/// <param name="Joined">Who took part: the caller and whoever answered.</param>
public sealed record CallSummary(
    string CallId, string Media, string Outcome, IReadOnlyList<string> Participants, IReadOnlyList<string> Joined,
    DateTimeOffset StartedAt, DateTimeOffset? AnsweredAt, DateTimeOffset EndedAt);

/// <summary>A call's system message: one per call, whichever node ended it and however often that end is retried.</summary>
public static class CallMessages
{
    /// <summary>The <c>event</c> of a call's system message.</summary>
    public const string Ended = "call.ended";

    /// <summary>The message id of a call's system message, derived from the call: publishing it again is a duplicate, never a second message.</summary>
    public static string MessageIdOf(string callId) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"call-ended/{callId}"))[..16]).ToString();

    /// <summary>From the caller, on the app channel, to every participant (the caller's other devices see it too).</summary>
    public static NewMessage Of(string conversationId, string caller, CallSummary call) => new(
        MessageIdOf(call.CallId), conversationId, caller, call.Participants, [Chat.Shared.Channels.App],
        new MessagePayload(MessagePayload.SystemType, null, null, System: new SystemEvent(Ended, caller, Call: call)), call.EndedAt);
}
