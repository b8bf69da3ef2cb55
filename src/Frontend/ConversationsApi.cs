using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Frontend;

internal static class ConversationsApi
{
    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/conversations").WithTags("Conversations").ProducesProblems(StatusCodes.Status401Unauthorized);
        group.MapPost("/", Create).RequireAuthorization(Scopes.ConversationsWrite)
            .DescribeBody<CreateConversationRequest>("""{"type":"direct","members":["alice","bob"]}""")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests);
        group.MapGet("/", List).RequireAuthorization(Scopes.ConversationsRead)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden);
        group.MapGet("/{conversationId}/messages", History).RequireAuthorization(Scopes.MessagesRead)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The caller is always a member; a direct conversation between the same two users is returned (200), not duplicated.</summary>
    private static async Task<Results<Created<ConversationResponse>, Ok<ConversationResponse>, ProblemHttpResult>> Create(
        HttpContext http, CreateConversationHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FrontendJsonContext.Default.CreateConversationRequest);
        if (problem is not null) return problem;
        var errors = new ValidationErrors();
        if (body!.Type is not (Conversation.Direct or Conversation.Group))
            errors.Add("type", body.Type is null ? "Is required: 'direct' or 'group'." : "Must be 'direct' or 'group'.");
        if (body.Members is null) errors.Add("members", "Is required: the usernames of the members.");
        else
            for (var i = 0; i < body.Members.Count; i++)
                if (string.IsNullOrWhiteSpace(body.Members[i])) errors.Add($"members[{i}]", "Must be a username.");
        if (body.Title is { Length: > 200 }) errors.Add("title", "Must be at most 200 characters.");
        if (errors.Any) return errors.ToProblem();

        return await handler.CreateAsync(http.User.Caller(), body, ct) switch
        {
            Outcome<NewConversation>.Done { Value: var (conversation, created) } => created
                ? TypedResults.Created($"/v1/conversations/{conversation.ConversationId}", ConversationResponse.Of(conversation))
                : TypedResults.Ok(ConversationResponse.Of(conversation)),
            Outcome<NewConversation>.Refused refused => refused.Why.ToProblem(http.Response),
            _ => throw new InvalidOperationException("An outcome neither done nor refused."),
        };
    }

    private static async Task<Results<Ok<ConversationPage>, ProblemHttpResult>> List(
        HttpContext http, ListConversationsHandler handler, [FromQuery] string? member, [FromQuery] string? cursor, [FromQuery] string? limit, CancellationToken ct)
    {
        var caller = http.User.Caller();
        var errors = new ValidationErrors();
        var size = (int)QueryParameters.Long(limit, "limit", 50, 1, 200, errors);
        var after = cursor is null ? null : ConversationCursor.TryParse(cursor);
        if (cursor is not null && after is null) errors.Add("cursor", "Is not a cursor this API returned.");
        if (caller.IsClient && member is null) errors.Add("member", "Is required for a client: whose conversations to list.");
        if (errors.Any) return errors.ToProblem();
        return (await handler.ListAsync(caller, member, after, size, ct)).ToResult(http.Response, page => TypedResults.Ok(page));
    }

    /// <summary>Forwards from <c>after_seq</c> (the default, from the start), or backwards from <c>before_seq</c>: one of them.</summary>
    private static async Task<Results<Ok<MessagePage>, ProblemHttpResult>> History(
        string conversationId, HttpContext http, ReadHistoryHandler handler, FileThumbnails thumbnails,
        [FromQuery(Name = "after_seq")] string? afterSeq, [FromQuery(Name = "before_seq")] string? beforeSeq, [FromQuery] string? limit, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var after = QueryParameters.Long(afterSeq, "after_seq", 0, 0, long.MaxValue, errors);
        var before = QueryParameters.Long(beforeSeq, "before_seq", 0, 1, long.MaxValue, errors);
        if (!string.IsNullOrEmpty(afterSeq) && !string.IsNullOrEmpty(beforeSeq)) errors.Add("before_seq", "Give after_seq or before_seq, not both.");
        var size = (int)QueryParameters.Long(limit, "limit", 100, 1, 500, errors);
        if (errors.Any) return errors.ToProblem();
        // Reactions carry "me" for the user reading (a client: for no one).
        var reader = http.User.Caller().Username?.ToLowerInvariant();
        if (before > 0)
        {
            var earlierOutcome = await handler.ReadBeforeAsync(http.User.Caller(), conversationId, before, size, ct);
            var older = earlierOutcome is Outcome<EarlierMessages>.Done { Value: var e } ? await thumbnails.AddAsync(e.Messages.Select(m => PublicMessage.Of(m, reader)), ct) : [];
            return earlierOutcome.ToResult(http.Response, earlier =>
                TypedResults.Ok(new MessagePage(older, null, earlier.MoreBefore ? earlier.Messages[0].SequenceNumber : null, earlier.Epoch)));
        }
        var laterOutcome = await handler.ReadAsync(http.User.Caller(), conversationId, after, size, ct);
        var newer = laterOutcome is Outcome<LaterMessages>.Done { Value: var l } ? await thumbnails.AddAsync(l.Messages.Select(m => PublicMessage.Of(m, reader)), ct) : [];
        return laterOutcome.ToResult(http.Response, later =>
            TypedResults.Ok(new MessagePage(newer, later.Messages.Count > 0 ? later.Messages[^1].SequenceNumber : after, Epoch: later.Epoch)));
    }
}
