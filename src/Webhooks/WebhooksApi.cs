using System.Text.Json.Serialization;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Webhooks;

public sealed record RegisterWebhookRequest(string? Url, List<string?>? Events, string? Description);
public sealed record WebhookResponse(string WebhookId, string Url, IReadOnlyList<string> Events, string? Description, bool Disabled, DateTimeOffset CreatedAt, string? Secret = null);
public sealed record WebhookList(IReadOnlyList<WebhookResponse> Items);
public sealed record AttemptResponse(int Attempt, DateTimeOffset At, int? StatusCode, double LatencyMs, string? Error);
public sealed record DeliveryResponse(string DeliveryId, string WebhookMessageId, string State, int Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset CreatedAt,
    string Body, IReadOnlyList<AttemptResponse> AttemptLog);
public sealed record DeliveryList(IReadOnlyList<DeliveryResponse> Items);

/// <summary>docs/api.md, "Webhooks". Owners see and change only their own endpoints (others' are 404).</summary>
public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/v1/webhooks").WithTags("Webhooks").ProducesProblems(StatusCodes.Status401Unauthorized);
        webhooks.MapPost("/", Register).DescribeBody<RegisterWebhookRequest>(
            """{"url":"https://crm.example.com/chat/events","events":["message.status"],"description":"Acme CRM"}""");
        webhooks.MapGet("/", List);
        webhooks.MapDelete("/{webhookId}", Delete).ProducesProblems(StatusCodes.Status404NotFound);
        webhooks.MapGet("/{webhookId}/deliveries", Deliveries).ProducesProblems(StatusCodes.Status404NotFound);
        webhooks.MapPost("/{webhookId}/deliveries/{deliveryId}/retry", Retry).ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The events an endpoint may subscribe to (docs/api.md, "Webhooks").</summary>
    private static readonly IReadOnlyList<string> EventTypesOffered =
        [WebhookFanout.MessageStatusEvent, ConversationWebhookFanout.ConversationUpdatedEvent, .. MessageWebhookBodies.All];

    /// <summary>The secret is in this answer only.</summary>
    private static async Task<Results<Created<WebhookResponse>, ProblemHttpResult>> Register(
        HttpContext http, TargetGuard guard, RegisterWebhookHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, WebhooksJsonContext.Default.RegisterWebhookRequest);
        if (problem is not null) return problem;
        var errors = new ValidationErrors();
        if (await guard.RefuseAsync(body!.Url, ct) is { } refusal) errors.Add("url", refusal);
        if (body.Events is not { Count: > 0 }) errors.Add("events", $"Name the events to receive: [\"{WebhookFanout.MessageStatusEvent}\"].");
        else
            for (var i = 0; i < body.Events.Count; i++)
                if (body.Events[i] is not { } type || !EventTypesOffered.Contains(type))
                    errors.Add($"events[{i}]", $"Unknown event type; there are: {string.Join(", ", EventTypesOffered)}.");
        if (body.Description is { Length: > 500 }) errors.Add("description", "Must be at most 500 characters.");
        if (errors.Any) return errors.ToProblem();

        var webhook = await handler.RegisterAsync(http.User.Caller(), body, ct);
        return TypedResults.Created($"/v1/webhooks/{webhook.WebhookId}", Response(webhook) with { Secret = webhook.Secret });
    }

    private static async Task<Ok<WebhookList>> List(HttpContext http, OwnWebhooksHandler handler, CancellationToken ct) =>
        TypedResults.Ok(new WebhookList((await handler.ListAsync(http.User.Caller(), ct)).Select(Response).ToList()));

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string webhookId, HttpContext http, OwnWebhooksHandler handler, CancellationToken ct) =>
        (await handler.DeleteAsync(http.User.Caller(), webhookId, ct)).ToResult(http.Response, _ => TypedResults.NoContent());

    private static async Task<Results<Ok<DeliveryList>, ProblemHttpResult>> Deliveries(
        string webhookId, HttpContext http, OwnWebhooksHandler handler, CancellationToken ct) =>
        (await handler.DeliveriesAsync(http.User.Caller(), webhookId, ct)).ToResult(http.Response, log => TypedResults.Ok(new DeliveryList(log.Select(l =>
            new DeliveryResponse(l.Delivery.DeliveryId, l.Delivery.MessageId, l.Delivery.State, l.Delivery.Attempts, l.Delivery.NextAttemptAt, l.Delivery.CreatedAt,
                l.Delivery.Body, l.Attempts.Select(a => new AttemptResponse(a.Attempt, a.At, a.StatusCode, a.LatencyMs, a.Error)).ToList())).ToList())));

    /// <summary>Sends one delivery again now, whatever became of it.</summary>
    private static async Task<Results<Accepted, ProblemHttpResult>> Retry(
        string webhookId, string deliveryId, HttpContext http, OwnWebhooksHandler handler, CancellationToken ct) =>
        (await handler.RetryAsync(http.User.Caller(), webhookId, deliveryId, ct)).ToResult(http.Response, _ => TypedResults.Accepted((string?)null));

    private static WebhookResponse Response(WebhookRegistration w) => new(w.WebhookId, w.Url, w.Events, w.Description, w.Disabled, w.CreatedAt);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RegisterWebhookRequest))]
[JsonSerializable(typeof(WebhookResponse))]
[JsonSerializable(typeof(WebhookList))]
[JsonSerializable(typeof(DeliveryList))]
internal sealed partial class WebhooksJsonContext : JsonSerializerContext;
