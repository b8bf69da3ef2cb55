using System.Security.Claims;
using Chat.Shared;
using Chat.Shared.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Auth;

/// <summary>A user's sessions (docs/api.md, "Sessions"): each sign-in, listed and ended one by one.</summary>
internal static class SessionsApi
{
    public static IEndpointRouteBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/v1/sessions").WithTags("Sessions").RequireAuthorization()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        sessions.MapGet("/", List);
        sessions.MapDelete("/{session_id}", End).ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<SessionList>, ProblemHttpResult>> List(HttpContext http, Sessions sessions, CancellationToken ct)
    {
        if (http.User.Caller().Username is not { } me) return ProfilesHandler.NotAUser.ToProblem(http.Response);
        var current = http.User.FindFirstValue(TokenIssuer.SessionClaim);
        return TypedResults.Ok(new SessionList((await sessions.ListAsync(me, ct))
            .Select(s => new SessionResponse(s.SessionId, s.UserAgent, s.Address, s.CreatedAt, s.LastUsedAt, s.SessionId == current)).ToList()));
    }

    /// <summary>Ends it at once: its refresh token is refused, and its access tokens by every service (docs/api.md, logout).</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> End(string session_id, HttpContext http, Sessions sessions, CancellationToken ct)
    {
        if (http.User.Caller().Username is not { } me) return ProfilesHandler.NotAUser.ToProblem(http.Response);
        return await sessions.EndAsync(me, session_id, ct)
            ? TypedResults.NoContent()
            : new Refusal.NotFound("session_id", $"You have no session '{session_id}'.").ToProblem(http.Response);
    }
}

/// <param name="Current">The session the request's access token belongs to.</param>
public sealed record SessionResponse(string SessionId, string? UserAgent, string? Address, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt, bool Current);

public sealed record SessionList(IReadOnlyList<SessionResponse> Items);
