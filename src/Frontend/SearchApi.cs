using Chat.Auth;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Frontend;

/// <summary>Stars and search (docs/api.md, "Stars" and "Search"): finding messages again.</summary>
internal static class SearchApi
{
    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/search/messages", Search).WithTags("Messages").RequireAuthorization(Scopes.MessagesRead)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        var star = app.MapGroup("/v1/messages/{messageId}/star").WithTags("Messages").RequireAuthorization()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        star.MapPut("/", Star);
        star.MapDelete("/", Unstar);
        app.MapGet("/v1/starred", Starred).WithTags("Messages").RequireAuthorization()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        return app;
    }

    private static async Task<Results<Ok<SearchPage>, ProblemHttpResult>> Search(
        HttpContext http, SearchMessagesHandler handler, [FromQuery] string? q, [FromQuery] string? member,
        [FromQuery(Name = "conversation_id")] string? conversationId, [FromQuery] string? from, [FromQuery] string? cursor, [FromQuery] string? limit,
        CancellationToken ct)
    {
        var caller = http.User.Caller();
        var errors = new ValidationErrors();
        // Read from the raw query, so bytes that are not UTF-8 are refused rather than searched for.
        var text = QueryText.Read(http.Request, "q", SearchText.MaxQueryLength, errors);
        var words = text is null ? [] : SearchText.WordsOf(text);
        if (q is null) errors.Add("q", "Is required: the words to find.");
        else if (text is not null && words.Count == 0) errors.Add("q", "Must hold a word (letters or digits).");
        else if (words.Count > SearchText.MaxWords) errors.Add("q", $"Must hold at most {SearchText.MaxWords} words.");
        if (from is not null && !CredentialRules.IsUsername(from)) errors.Add("from", "Must be a username.");
        var after = cursor is null ? null : PageCursor.TryParseSearch(cursor);
        if (cursor is not null && after is null) errors.Add("cursor", "Is not a cursor this API returned.");
        var size = (int)QueryParameters.Long(limit, "limit", 20, 1, 100, errors);
        if (caller.IsClient && member is null) errors.Add("member", "Is required for a client: whose messages to search.");
        if (errors.Any) return errors.ToProblem();
        return (await handler.SearchAsync(caller, new SearchRequest(words, member, conversationId, from, after, size), ct))
            .ToResult(http.Response, page => TypedResults.Ok(page));
    }

    /// <summary>200 with the star, also when it was starred already (with its first time).</summary>
    private static async Task<Results<Ok<StarResponse>, ProblemHttpResult>> Star(string messageId, HttpContext http, StarsHandler handler, CancellationToken ct) =>
        (await handler.StarAsync(http.User.Caller(), messageId, ct)).ToResult(http.Response, star => TypedResults.Ok(star));

    /// <summary>204, also when it was not starred.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Unstar(string messageId, HttpContext http, StarsHandler handler, CancellationToken ct) =>
        (await handler.UnstarAsync(http.User.Caller(), messageId, ct)).ToResult(http.Response, _ => TypedResults.NoContent());

    private static async Task<Results<Ok<StarredPage>, ProblemHttpResult>> Starred(
        HttpContext http, StarsHandler handler, [FromQuery] string? cursor, [FromQuery] string? limit, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var size = (int)QueryParameters.Long(limit, "limit", 50, 1, 200, errors);
        var after = cursor is null ? null : PageCursor.TryParseStarred(cursor);
        if (cursor is not null && after is null) errors.Add("cursor", "Is not a cursor this API returned.");
        if (errors.Any) return errors.ToProblem();
        return (await handler.ListAsync(http.User.Caller(), after, size, ct)).ToResult(http.Response, page => TypedResults.Ok(page));
    }
}
