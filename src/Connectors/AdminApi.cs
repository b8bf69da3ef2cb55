using Chat.Shared.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Connectors;

public sealed record DeadDeliveryResponse(string Id, string MessageId, string Channel, string Recipient, string Reason, DateTimeOffset FailedAt);

public sealed record DeadDeliveryList(IReadOnlyList<DeadDeliveryResponse> Items);

public sealed record ConnectorStates(IReadOnlyDictionary<string, string> Breakers);

/// <summary>Admin-only: the deliveries that failed every attempt, replaying them, and the breakers' states.</summary>
internal static class ConnectorsAdminApi
{
    public static IEndpointRouteBuilder MapConnectorsAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin").RequireAuthorization(p => p.RequireClaim("role", "admin")).WithTags("Admin")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        admin.MapGet("/dlq", List);
        admin.MapPost("/dlq/{id}/replay", Replay).ProducesProblems(StatusCodes.Status404NotFound);
        admin.MapGet("/connectors", (ConnectorPipelines pipelines) =>
            TypedResults.Ok(new ConnectorStates(pipelines.States.ToDictionary(s => s.Key, s => s.Value.ToString()))));
        return app;
    }

    private static async Task<Ok<DeadDeliveryList>> List(DeadDeliveriesHandler handler, CancellationToken ct) =>
        TypedResults.Ok(new DeadDeliveryList((await handler.ListAsync(ct))
            .Select(d => new DeadDeliveryResponse(d.Id, d.MessageId, d.Channel, d.Recipient, d.Reason, d.FailedAt)).ToList()));

    /// <summary>Sends the delivery again from its first attempt.</summary>
    private static async Task<Results<Accepted, ProblemHttpResult>> Replay(string id, HttpContext http, DeadDeliveriesHandler handler, CancellationToken ct) =>
        (await handler.ReplayAsync(id, ct)).ToResult(http.Response, _ => TypedResults.Accepted((string?)null));
}
