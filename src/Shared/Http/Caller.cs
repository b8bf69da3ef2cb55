using System.Security.Claims;

namespace Chat.Shared.Http;

/// <summary>What an integrator client's token may be granted (its <c>scope</c> claim).</summary>
public static class Scopes
{
    public const string MessagesSend = "messages:send";
    public const string MessagesRead = "messages:read";
    public const string ConversationsWrite = "conversations:write";
    public const string ConversationsRead = "conversations:read";
    public const string ChannelsWrite = "channels:write";

    public static readonly IReadOnlySet<string> All = new HashSet<string>([MessagesSend, MessagesRead, ConversationsWrite, ConversationsRead, ChannelsWrite]);
}

/// <summary>
/// Who is calling, from the access token: a user (sub = username), or an integrator client
/// (sub = <c>client:{id}</c>) that may act on behalf of the users its <c>act_as</c> claim names
/// ("*": any) and do what its <c>scope</c> claim allows. A user may do anything to what is their own.
/// </summary>
public sealed record Caller(string Subject, string? ClientId, IReadOnlySet<string> Scopes, IReadOnlySet<string> ActAs, bool IsAdmin)
{
    public const string ClientPrefix = "client:";

    public bool IsClient => ClientId is not null;

    /// <summary>The user's name; null for a client.</summary>
    public string? Username => IsClient ? null : Subject;

    public bool Has(string scope) => !IsClient || Scopes.Contains(scope);

    public bool MayActAs(string? username) =>
        username is not null && (IsClient ? ActAs.Contains("*") || ActAs.Contains(username.ToLowerInvariant()) : string.Equals(Subject, username, StringComparison.OrdinalIgnoreCase));

    public static Caller Of(ClaimsPrincipal user)
    {
        var subject = user.FindFirstValue("sub") ?? throw new InvalidOperationException("An authenticated principal has no 'sub' claim.");
        static HashSet<string> Words(string? claim) => (claim ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        return new Caller(subject, user.FindFirstValue("client_id"), Words(user.FindFirstValue("scope")), Words(user.FindFirstValue("act_as")),
            user.HasClaim("role", "admin"));
    }
}
