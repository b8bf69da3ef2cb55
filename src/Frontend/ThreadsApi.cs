using Chat.Auth;
using Chat.Shared.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Frontend;

/// <summary>Threads (docs/api.md, "Threads"; issue 25). A reply is sent as any message, with <c>thread_root</c>.</summary>
internal static class ThreadsApi
{
    public static IEndpointRouteBuilder MapThreadsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/conversations/{conversationId}/threads", List).WithTags("Threads").RequireAuthorization(Scopes.MessagesRead)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        var thread = app.MapGroup("/v1/messages/{messageId}").WithTags("Threads")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        thread.MapGet("/thread", Read).RequireAuthorization(Scopes.MessagesRead).ProducesProblems(StatusCodes.Status400BadRequest);
        thread.MapPut("/follow", Follow).RequireAuthorization(Scopes.MessagesRead);
        thread.MapDelete("/follow", Unfollow).RequireAuthorization(Scopes.MessagesRead);
        thread.MapPost("/thread/read", MarkRead).RequireAuthorization(Scopes.MessagesRead)
            .DescribeBody<ThreadReadRequest>("""{"up_to_seq":12}""").ProducesProblems(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Ok<ThreadPage>, ProblemHttpResult>> List(
        string conversationId, HttpContext http, ThreadsHandler handler, [FromQuery] string? cursor, [FromQuery] string? limit, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var size = (int)QueryParameters.Long(limit, "limit", 50, 1, 200, errors);
        long? before = null;
        if (cursor is not null)
            if (long.TryParse(cursor, out var seq) && seq > 0) before = seq;
            else errors.Add("cursor", "Is not a cursor this API returned.");
        if (errors.Any) return errors.ToProblem();
        return (await handler.ListAsync(http.User.Caller(), conversationId, before, size, ct)).ToResult(http.Response, page => TypedResults.Ok(page));
    }

    /// <summary>Forwards from <c>after_seq</c> (the default, from the first reply), or the newest replies before <c>before_seq</c>.</summary>
    private static async Task<Results<Ok<ThreadResponse>, ProblemHttpResult>> Read(
        string messageId, HttpContext http, ThreadsHandler handler,
        [FromQuery(Name = "after_seq")] string? afterSeq, [FromQuery(Name = "before_seq")] string? beforeSeq, [FromQuery] string? limit, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var after = QueryParameters.Long(afterSeq, "after_seq", 0, 0, long.MaxValue, errors);
        var before = QueryParameters.Long(beforeSeq, "before_seq", 0, 1, long.MaxValue, errors);
        var size = (int)QueryParameters.Long(limit, "limit", 100, 1, 500, errors);
        if (errors.Any) return errors.ToProblem();
        return (await handler.ReadAsync(http.User.Caller(), messageId, string.IsNullOrEmpty(afterSeq) && before > 0 ? null : after, before > 0 ? before : null, size, ct))
            .ToResult(http.Response, thread => TypedResults.Ok(thread));
    }

    private static async Task<Results<Ok<FollowResponse>, ProblemHttpResult>> Follow(string messageId, HttpContext http, ThreadsHandler handler, CancellationToken ct) =>
        (await handler.FollowAsync(http.User.Caller(), messageId, true, ct)).ToResult(http.Response, follow => TypedResults.Ok(follow));

    private static async Task<Results<Ok<FollowResponse>, ProblemHttpResult>> Unfollow(string messageId, HttpContext http, ThreadsHandler handler, CancellationToken ct) =>
        (await handler.FollowAsync(http.User.Caller(), messageId, false, ct)).ToResult(http.Response, follow => TypedResults.Ok(follow));

    /// <summary>202 once the read is on chat.receipts; the thread cursor moves (forward only) when the Router records it.</summary>
    private static async Task<Results<Accepted<ThreadReadResponse>, ProblemHttpResult>> MarkRead(
        string messageId, HttpContext http, ThreadsHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FrontendJsonContext.Default.ThreadReadRequest);
        if (problem is not null) return problem;
        if (body!.UpToSeq is not (>= 1 and var upTo)) return Problems.Invalid("up_to_seq", "Is required: the sequence number read up to in the thread, 1 or more.");
        return (await handler.MarkReadAsync(http.User.Caller(), messageId, upTo, ct)).ToResult(http.Response, read =>
            TypedResults.Accepted($"/v1/messages/{messageId}/thread", read));
    }
}
