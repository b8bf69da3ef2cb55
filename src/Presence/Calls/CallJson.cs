using System.Text.Json.Serialization;

namespace Chat.Presence.Calls;

public sealed record StartCallRequest(string? ConversationId, string? Media);

/// <param name="DurationSeconds">From the answer to the end, once it ended having been answered.</param>
public sealed record CallView(
    string CallId, string ConversationId, string Caller, string Media, string State, string? Outcome, IReadOnlyList<string> Participants,
    IReadOnlyList<string> Joined, IReadOnlyList<string> Rejected, DateTimeOffset StartedAt, DateTimeOffset? AnsweredAt, DateTimeOffset? EndedAt, double? DurationSeconds)
{
    public static CallView Of(Call c) => new(c.CallId, c.ConversationId, c.Caller, c.Media, c.State, c.Outcome, c.Participants, c.Joined, c.Rejected,
        c.StartedAt, c.AnsweredAt, c.EndedAt, c.Duration?.TotalSeconds);
}

public sealed record CallPage(IReadOnlyList<CallView> Items, string? NextCursor);

/// <param name="Username">The TURN REST API username, <c>{expiry unix seconds}:{user}</c>; the password is its HMAC-SHA1 under the shared secret, base64.</param>
public sealed record TurnCredentials(string Username, string Password, int Ttl, DateTimeOffset ExpiresAt, IReadOnlyList<string> Uris);

/// <summary>call.incoming, call.answered, call.rejected, call.ended: the call as it is now; <paramref name="Username"/> who answered or rejected.</summary>
public sealed record CallFrame(string Type, CallView Call, string? Username = null);

/// <summary>A relayed <c>call.signal</c>: <paramref name="Data"/> as the sender wrote it.</summary>
public sealed record CallSignalFrame(string Type, string CallId, string From, System.Text.Json.JsonElement Data);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StartCallRequest))]
[JsonSerializable(typeof(CallView))]
[JsonSerializable(typeof(CallPage))]
[JsonSerializable(typeof(TurnCredentials))]
[JsonSerializable(typeof(CallFrame))]
[JsonSerializable(typeof(CallSignalFrame))]
internal sealed partial class CallJsonContext : JsonSerializerContext;
