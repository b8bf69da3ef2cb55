using Chat.Shared.Events;
using Chat.Shared.Http;
using Chat.Shared.Kafka;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Connectors;

public sealed record DeadDeliveryResponse(string Id, string MessageId, string Channel, string Recipient, string Reason, DateTimeOffset FailedAt);

public sealed record DeadDeliveryList(IReadOnlyList<DeadDeliveryResponse> Items);

public sealed record ConnectorStates(IReadOnlyDictionary<string, string> Breakers);

/// <summary>Admin-only: the deliveries that failed every attempt, replaying them, and the breakers' states.</summary>
public static class ConnectorsAdminApi
{
    public static IEndpointRouteBuilder MapConnectorsAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin").RequireAuthorization(p => p.RequireClaim("role", "admin")).WithTags("Admin");
        admin.MapGet("/dlq", List);
        admin.MapPost("/dlq/{id}/replay", Replay);
        admin.MapGet("/connectors", (ConnectorPipelines pipelines) =>
            TypedResults.Ok(new ConnectorStates(pipelines.States.ToDictionary(s => s.Key, s => s.Value.ToString()))));
        return app;
    }

    private static async Task<Ok<DeadDeliveryList>> List(IConnectorDeliveryStore store, CancellationToken ct) =>
        TypedResults.Ok(new DeadDeliveryList((await store.DeadDeliveriesAsync(500, ct))
            .Select(d => new DeadDeliveryResponse(d.Id, d.MessageId, d.Channel, d.Recipient, d.Reason, d.FailedAt)).ToList()));

    /// <summary>Sends the delivery again from its first attempt.</summary>
    private static async Task<Results<Accepted, ProblemHttpResult>> Replay(string id, IConnectorDeliveryStore store, EventProducer producer, CancellationToken ct)
    {
        var dead = await store.TakeDeadDeliveryAsync(Uri.UnescapeDataString(id), ct);
        if (dead is null) return Problems.NotFound($"No dead delivery '{id}'.", "id");
        var delivery = ConnectorDelivery.Parser.ParseFrom(dead.Delivery);
        delivery.Attempt = 1;
        await producer.ProduceAsync(Topics.Deliveries, delivery.ConversationId, delivery, EventTypes.Delivery, $"{delivery.DeliveryId}/replay/{Guid.NewGuid():N}", ct);
        return TypedResults.Accepted((string?)null);
    }
}
