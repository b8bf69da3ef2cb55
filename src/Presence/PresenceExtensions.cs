using System.Text.Json.Serialization;
using Chat.Auth;
using Chat.Presence.Calls;
using Chat.Presence.Gateway;
using Chat.Presence.Memory;
using Chat.Presence.Redis;
using Chat.Presence.Tickets;
using Chat.Shared;
using Chat.Shared.Configuration;
using Chat.Shared.Http;
using Chat.Shared.Kafka;
using Chat.Shared.RateLimits;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace Chat.Presence;

public static class PresenceExtensions
{
    /// <summary>The presence port and push bus chosen by <c>Presence:Kind</c>, and <see cref="LivePush"/>: what any service that pushes needs.</summary>
    public static IHostApplicationBuilder AddPresencePorts(this IHostApplicationBuilder builder)
    {
        var kind = builder.Configuration["Presence:Kind"] ?? "memory";
        builder.Services.AddValidatedOptions<PresenceOptions>(PresenceOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<LivePush>();
        switch (kind)
        {
            case "memory":
                builder.Services.TryAddSingleton<IPresence, InMemoryPresence>();
                builder.Services.TryAddSingleton<IPushBus, InProcessPushBus>();
                builder.Services.TryAddSingleton<ISocketTickets, InMemorySocketTickets>();
                break;
            case "redis":
                builder.Services.AddRedisConnection(builder.Configuration, "Presence:Kind is 'redis'");
                builder.Services.TryAddSingleton<IPresence, RedisPresence>();
                builder.Services.TryAddSingleton<IPushBus, RedisPushBus>();
                builder.Services.TryAddSingleton<ISocketTickets, RedisSocketTickets>();
                break;
            default:
                throw new InvalidOperationException($"Presence:Kind '{kind}' is unknown; use 'memory' or 'redis'.");
        }
        return builder;
    }

    /// <summary>The WebSocket gateway node: its sockets, their frames (receipts go on chat.receipts), presence announcements.</summary>
    public static IHostApplicationBuilder AddPresence(this IHostApplicationBuilder builder)
    {
        builder.AddMessageStore();
        builder.AddUserDirectory();
        builder.AddBlockDirectory();
        builder.AddKafka();
        builder.AddPresencePorts();
        builder.AddRateLimits();
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<LocalConnections>();
        builder.Services.TryAddSingleton<ClientFrameHandler>();
        builder.Services.TryAddSingleton<StoredMessageFrames>();
        builder.Services.TryAddSingleton<PresenceAnnouncer>();
        builder.Services.TryAddSingleton<WebSocketGateway>();
        builder.Services.AddHostedService<GatewayNode>();
        builder.Services.AddHostedService<PresenceHeartbeat>();
        builder.AddCalls();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, PresenceJsonContext.Default));
        return builder;
    }

    public static WebApplication MapPresenceApi(this WebApplication app)
    {
        app.UseWebSockets();
        app.MapGet("/v1/presence/{username}", Get).WithTags("Presence")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        app.MapPost("/v1/ws/ticket", IssueTicket).WithTags("Presence")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        // Anonymous at the routing level: a ticket is checked here; without one the bearer token is required as before.
        app.MapCallsApi();
        app.Map("/v1/ws", Connect).AllowAnonymous().WithTags("Presence")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        return app;
    }

    private static async Task<Results<Ok<SocketTicketResponse>, ProblemHttpResult>> IssueTicket(
        HttpContext http, ISocketTickets tickets, Microsoft.Extensions.Options.IOptions<PresenceOptions> options, CancellationToken ct)
    {
        if (http.User.Caller().IsClient)
            return Problems.Forbidden("Sockets are for users; integrator clients receive webhooks.", "Authorization");
        var lifetime = options.Value.TicketLifetime;
        var ticket = await tickets.IssueAsync(http.User.Username(), lifetime, ct);
        return TypedResults.Ok(new SocketTicketResponse(ticket, (int)Math.Ceiling(lifetime.TotalSeconds)));
    }

    /// <summary>
    /// Upgrades to a WebSocket; the ticket (<c>?ticket=</c>, one use) or the token is checked before
    /// (401 with no upgrade).
    /// </summary>
    private static async Task<IResult> Connect(HttpContext http, WebSocketGateway gateway, ISocketTickets tickets)
    {
        if (http.Request.Query["ticket"] is [{ } ticket])
        {
            if (await tickets.RedeemAsync(ticket, http.RequestAborted) is not { } username)
                return Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized",
                    "The ticket is unknown, used or expired: each opens one socket, within seconds. Get another from POST /v1/ws/ticket.", "ticket");
            http.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                [new System.Security.Claims.Claim("sub", username)], "ws-ticket", "sub", "role"));
        }
        else if (http.User.Identity?.IsAuthenticated != true)
            return TypedResults.Challenge();
        if (http.User.Caller().IsClient)
            return Problems.Forbidden("Sockets are for users; integrator clients receive webhooks.", "Authorization");
        if (!http.WebSockets.IsWebSocketRequest)
            return Problems.Status(StatusCodes.Status400BadRequest, "WebSocket required", "GET /v1/ws is a WebSocket endpoint: send an upgrade request.");
        await gateway.RunAsync(http);
        return Results.Empty;
    }

    /// <summary>Someone the user blocked sees them offline, with no last-seen time, whatever they are (issue 16).</summary>
    private static async Task<Results<Ok<PresenceResponse>, ProblemHttpResult>> Get(
        string username, HttpContext http, IPresence presence, IUserDirectory users, IBlockDirectory blocks, CancellationToken ct)
    {
        var name = username.ToLowerInvariant();
        if ((await users.ExistingUsersAsync([name], ct)).Count == 0) return Problems.NotFound($"No user '{username}'.", "username");
        if (http.User.Caller().Username is { } asker && await blocks.HasBlockedAsync(name, asker, ct)) return TypedResults.Ok(new PresenceResponse(name, "offline", null));
        var state = await presence.GetAsync(name, ct);
        return TypedResults.Ok(new PresenceResponse(state.Username, state.Online ? "online" : "offline", state.LastSeen));
    }
}

public sealed record PresenceResponse(string Username, string Status, DateTimeOffset? LastSeen);

/// <param name="ExpiresIn">Seconds the ticket may wait to be used.</param>
public sealed record SocketTicketResponse(string Ticket, int ExpiresIn);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PresenceResponse))]
[JsonSerializable(typeof(SocketTicketResponse))]
internal sealed partial class PresenceJsonContext : JsonSerializerContext;
