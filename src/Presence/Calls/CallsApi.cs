using Chat.Presence.Calls.Storage;
using Chat.Shared;
using Chat.Shared.Configuration;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Presence.Calls;

/// <summary>docs/api.md, "Calls": users only (an integrator client's token is 403).</summary>
public static class CallsApi
{
    public static IHostApplicationBuilder AddCalls(this IHostApplicationBuilder builder)
    {
        // Metadata:Kind etcd: shared by every Presence node, so a call outlives the node that rang it.
        var configuration = builder.Configuration;
        builder.TryAddStore<ICallStore>("call-store", configuration.MetadataKind() switch
        {
            "etcd" => _ => new EtcdCallStore(configuration.EtcdEndpoints(), configuration.EtcdPrefix()),
            _ => sp => new SqliteCallStore(sp.DataFile("calls.db")),
        }, (store, ct) => store.FindAsync("health-probe", ct));
        builder.Services.AddValidatedOptions<CallsOptions>(CallsOptions.Section);
        builder.Services.TryAddSingleton<CallsHandler>();
        builder.Services.TryAddSingleton<TurnCredentialIssuer>();
        builder.Services.AddHostedService<CallRingTimeout>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, CallJsonContext.Default));
        return builder;
    }

    public static IEndpointRouteBuilder MapCallsApi(this IEndpointRouteBuilder app)
    {
        var calls = app.MapGroup("/v1/calls").WithTags("Calls").ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        calls.MapPost("/", Start).ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .DescribeBody<StartCallRequest>("""{"conversation_id":"c_123","media":"video"}""");
        calls.MapPost("/{callId}/answer", (string callId, HttpContext http, CallsHandler h, CancellationToken ct) => Change(http, u => h.AnswerAsync(u, callId, ct)))
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        calls.MapPost("/{callId}/reject", (string callId, HttpContext http, CallsHandler h, CancellationToken ct) => Change(http, u => h.RejectAsync(u, callId, ct)))
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        calls.MapPost("/{callId}/end", (string callId, HttpContext http, CallsHandler h, CancellationToken ct) => Change(http, u => h.EndAsync(u, callId, ct)))
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        calls.MapGet("/", History).ProducesProblems(StatusCodes.Status400BadRequest);
        calls.MapPost("/turn-credentials", Turn).ProducesProblems(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static readonly Refusal UsersOnly = new Refusal.Forbidden("Authorization", "Calls are between users; an integrator client has none.");

    private static async Task<Results<Created<CallView>, ProblemHttpResult>> Start(HttpContext http, CallsHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, CallJsonContext.Default.StartCallRequest);
        if (problem is not null) return problem;
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(body!.ConversationId)) errors.Add("conversation_id", "Is required: the conversation to call.");
        if (body.Media is not { } media || !Call.MediaKinds.Contains(media)) errors.Add("media", "Must be 'audio' or 'video'.");
        if (errors.Any) return errors.ToProblem();
        var caller = http.User.Caller();
        Outcome<Call> outcome = caller.IsClient ? UsersOnly : await handler.StartAsync(caller.Subject, body.ConversationId!, body.Media!, ct);
        return outcome.ToResult(http.Response, c => TypedResults.Created($"/v1/calls/{c.CallId}", CallView.Of(c)));
    }

    private static async Task<Results<Ok<CallView>, ProblemHttpResult>> Change(HttpContext http, Func<string, Task<Outcome<Call>>> change)
    {
        var caller = http.User.Caller();
        Outcome<Call> outcome = caller.IsClient ? UsersOnly : await change(caller.Subject);
        return outcome.ToResult(http.Response, c => TypedResults.Ok(CallView.Of(c)));
    }

    /// <summary>Both query parameters as strings, so a malformed one is refused by name rather than by the binder.</summary>
    private static async Task<Results<Ok<CallPage>, ProblemHttpResult>> History(string? cursor, string? limit, HttpContext http, ICallStore calls, CancellationToken ct)
    {
        var caller = http.User.Caller();
        if (caller.IsClient) return UsersOnly.ToProblem(http.Response);
        var before = 0L;
        if (cursor is not null && (!long.TryParse(cursor, out before) || before <= 0)) return Problems.Invalid("cursor", "Must be the next_cursor of the previous page.");
        var size = 50;
        if (limit is not null && (!int.TryParse(limit, out size) || size is < 1 or > 200)) return Problems.Invalid("limit", "Must be a whole number from 1 to 200.");
        var page = await calls.HistoryAsync(caller.Subject, before, size, ct);
        var next = page.Count == size ? page[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new CallPage(page.Select(CallView.Of).ToList(), next));
    }

    private static Results<Ok<TurnCredentials>, ProblemHttpResult> Turn(HttpContext http, TurnCredentialIssuer issuer)
    {
        var caller = http.User.Caller();
        if (caller.IsClient) return UsersOnly.ToProblem(http.Response);
        if (!issuer.Configured)
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "TURN is not configured", "This server has no Calls:TurnSecret; calls can use STUN and direct paths only.");
        return TypedResults.Ok(issuer.Issue(caller.Subject));
    }
}
