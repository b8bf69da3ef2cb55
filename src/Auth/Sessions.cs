using Chat.Shared.Configuration;
using Chat.Shared.Http;
using Microsoft.Extensions.Options;

namespace Chat.Auth;

/// <summary>Section <c>Auth</c>, the settings of sessions (the rest of the section is <see cref="AuthOptions"/>).</summary>
public sealed class SessionOptions
{
    /// <summary>Sessions a user may have at once: a sign-in beyond it ends the oldest.</summary>
    [AtLeast(1)]
    public int MaxSessions { get; set; } = 10;
}

/// <summary>The client a session was signed in from, as the session list shows it.</summary>
public sealed record SignInClient(string? UserAgent, string? Address)
{
    public static SignInClient Of(HttpContext http) =>
        new(http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent[..Math.Min(agent.Length, 256)] : null,
            http.Connection.RemoteIpAddress?.ToString());
}

/// <summary>
/// Sessions (docs/api.md, "Sessions"): each sign-in is one, at most <see cref="SessionOptions.MaxSessions"/>
/// a user. Ending one goes the way logout goes: its refresh-token family is revoked and every access
/// token of it that may be alive is put on the deny-list (this instance at once, the others within
/// a poll), each revocation naming the session, so what belongs to it elsewhere (push devices) goes too.
/// </summary>
internal sealed class Sessions(IAccountStore accounts, RevokedTokens revoked, IOptions<AuthOptions> auth, IOptions<SessionOptions> options, TimeProvider clock)
{
    /// <summary>Records a sign-in's session and ends the oldest beyond the limit.</summary>
    public async Task StartAsync(Session session, CancellationToken ct)
    {
        await accounts.CreateSessionAsync(session, ct);
        var live = await ListAsync(session.Username, ct);
        foreach (var oldest in live.Take(Math.Max(0, live.Count - options.Value.MaxSessions)))
            await EndAsync(session.Username, oldest.SessionId, ct);
    }

    /// <summary>The user's sessions that can still refresh, oldest first.</summary>
    public async Task<IReadOnlyList<Session>> ListAsync(string username, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return (await accounts.ListSessionsAsync(username, ct)).Where(s => s.ExpiresAt > now).ToList();
    }

    /// <summary>False when the user has no such session (someone else's id included: it is left alone).</summary>
    public async Task<bool> EndAsync(string username, string sessionId, CancellationToken ct)
    {
        if (!(await accounts.ListSessionsAsync(username, ct)).Any(s => s.SessionId == sessionId)) return false;
        // The family first: a refresh racing this one finds it revoked, or its session gone (TokenIssuer).
        await accounts.RevokeTokenFamilyAsync(sessionId, ct);
        if (await accounts.DeleteSessionAsync(username, sessionId, ct) is not { } session) return true;
        var now = clock.GetUtcNow();
        var live = session.AccessTokens.Where(t => t.ExpiresAt > now).Select(t => new RevokedToken(t.TokenId, t.ExpiresAt, sessionId)).ToList();
        // With no live token the revocation feed would not learn of the end; a marker names the session for it.
        if (live.Count == 0) live.Add(new RevokedToken("session:" + sessionId, now + auth.Value.AccessTokenLifetime, sessionId));
        foreach (var token in live)
        {
            await accounts.RevokeAccessTokenAsync(token, ct);
            revoked.Add(token);
        }
        return true;
    }

    /// <summary>Every session of the user but <paramref name="keep"/> (a password change keeps the one it came from).</summary>
    public async Task EndAllAsync(string username, string? keep, CancellationToken ct)
    {
        foreach (var session in await accounts.ListSessionsAsync(username, ct))
            if (session.SessionId != keep)
                await EndAsync(username, session.SessionId, ct);
    }
}
