using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Chat.Frontend;

internal static class MessagesApi
{
    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<MessagesOptions>>().Value;
        var group = app.MapGroup("/v1/messages").WithTags("Messages").ProducesProblems(StatusCodes.Status401Unauthorized);
        group.MapPost("/", Send).RequireAuthorization(Scopes.MessagesSend).WithMetadata(new RequestSizeLimitAttribute(limits.MaxRequestBytes))
            .DescribeBody<SendMessageRequest>(
                """{"message_id":"order-1042-confirmation","conversation_id":"0196f1c2-7b1a-7c3e-9a55-2f4f1d0e8a11","from":"alice","to":["bob"],"channels":["app","telegram"],"payload":{"type":"text","text":"Your order shipped."}}""")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status429TooManyRequests,
                StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/batch", SendBatch).RequireAuthorization(Scopes.MessagesSend).WithMetadata(new RequestSizeLimitAttribute(limits.MaxBatchRequestBytes))
            .DescribeBody<SendBatchRequest>(
                """{"messages":[{"message_id":"order-1042-confirmation","conversation_id":"0196f1c2-7b1a-7c3e-9a55-2f4f1d0e8a11","from":"alice","payload":{"type":"text","text":"Your order shipped."}},{"message_id":"order-1043-confirmation","conversation_id":"0196f1c2-7b1a-7c3e-9a55-2f4f1d0e8a12","from":"alice","payload":{"type":"text","text":"Your order shipped too."}}]}""")
            .Produces<SendBatchResponse>(StatusCodes.Status207MultiStatus)
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/{messageId}/status", Status).RequireAuthorization(Scopes.MessagesRead)
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>202 only once the event is on the broker; 503 with Retry-After when the broker cannot take it.</summary>
    private static async Task<Results<Accepted<SendMessageResponse>, ProblemHttpResult>> Send(
        HttpContext http, SendMessageHandler handler, IOptions<MessagesOptions> options, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FrontendJsonContext.Default.SendMessageRequest);
        if (problem is not null) return problem;
        var errors = SendMessageRules.CheckShape(body!, options.Value);
        if (errors.Any) return errors.ToProblem();
        var outcome = await handler.SendAsync(http.User.Caller(), body!, ct);
        return outcome.ToResult(http.Response, message =>
            TypedResults.Accepted($"/v1/messages/{message.MessageId}/status", new SendMessageResponse(message.MessageId, MessageStatus.Accepted)));
    }

    /// <summary>207 with one result per item, in order; 400 only when there is no list of messages to answer item by item.</summary>
    private static async Task<Results<JsonHttpResult<SendBatchResponse>, ProblemHttpResult>> SendBatch(
        HttpContext http, SendMessageHandler handler, IOptions<MessagesOptions> options, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FrontendJsonContext.Default.SendBatchRequest);
        if (problem is not null) return problem;
        if (body!.Messages is not { Count: > 0 } items || items.Count > options.Value.MaxBatchSize)
            return Problems.Invalid("messages", $"Must be a list of 1 to {options.Value.MaxBatchSize} messages, each as POST /v1/messages takes it.");
        var shapes = items.Select(item => item is null
            ? new ValidationErrors().Add("messages[]", "Must be a message object.")
            : SendMessageRules.CheckShape(item, options.Value)).ToList();
        var valid = items.Where((_, i) => !shapes[i].Any).Select(item => item!).ToList();
        var outcomes = new Queue<Outcome<NewMessage>>(await handler.SendBatchAsync(http.User.Caller(), valid, ct));
        var results = items.Select((item, i) => shapes[i].Any
            ? Refused(item?.MessageId, new Refusal.Invalid(shapes[i]), http.Response)
            : outcomes.Dequeue() switch
            {
                Outcome<NewMessage>.Done done => new BatchItemResult(done.Value.MessageId, MessageStatus.Accepted),
                Outcome<NewMessage>.Refused refused => Refused(item!.MessageId, refused.Why, http.Response),
                var other => throw new InvalidOperationException($"An outcome neither done nor refused: {other}"),
            }).ToList();
        var accepted = results.Count(r => r.Status == MessageStatus.Accepted);
        return TypedResults.Json(new SendBatchResponse(results, accepted, results.Count - accepted), FrontendJsonContext.Default.SendBatchResponse,
            statusCode: StatusCodes.Status207MultiStatus);
    }

    /// <summary>The problem a single send would have answered, as an item of the batch's answer.</summary>
    private static BatchItemResult Refused(string? messageId, Refusal why, HttpResponse response)
    {
        var details = why.ToProblem(response).ProblemDetails;
        var errors = details is HttpValidationProblemDetails validation ? validation.Errors
            : details.Extensions.TryGetValue("errors", out var e) && e is IDictionary<string, string[]> named ? named : null;
        return new BatchItemResult(messageId, "refused", new BatchItemProblem(details.Status ?? 400, details.Title ?? "Refused", details.Detail ?? why.Describe(), errors));
    }

    /// <summary>Visible to the conversation's members; "accepted" while the Router has not stored it yet.</summary>
    private static async Task<Results<Ok<MessageStatusResponse>, ProblemHttpResult>> Status(
        string messageId, HttpContext http, MessageStatusHandler handler, CancellationToken ct) =>
        (await handler.FindAsync(http.User.Caller(), messageId, ct)).ToResult(http.Response, status => TypedResults.Ok(status));
}
