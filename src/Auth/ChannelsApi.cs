using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Auth;

/// <summary>
/// Who a user is on each external platform (docs/api.md, "Channels and connectors"). A user manages
/// their own; an admin, or a client with <c>channels:write</c> that may act for the user, anyone's.
/// </summary>
internal static class ChannelsApi
{
    /// <summary>The caller may manage the mappings of the user the route names (<see cref="ManageChannelsRequirement"/>).</summary>
    public const string ManagePolicy = "manage-channels";

    public static IEndpointRouteBuilder MapChannelsApi(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/v1/users/{username}/channels").WithTags("Channels").RequireAuthorization(ManagePolicy)
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        channels.MapGet("/", List);
        channels.MapPut("/{channel}", Put).DescribeBody<ChannelMappingRequest>("""{"external_id":"123456789"}""")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        channels.MapDelete("/{channel}", Delete).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        channels.MapPost("/{channel}/verification", RequestProof).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>Identifiers name users and platform accounts in logs, keys and messages: no NUL or other control characters.</summary>
    private static bool HasControl(string? value) => value is not null && value.Any(char.IsControl);

    private static ProblemHttpResult? CheckChannel(string username, string channel) =>
        HasControl(username) ? Problems.Invalid("username", "Must not contain NUL or other control characters.")
        : !Channels.Supported.Contains(channel) || channel == Channels.App
            ? Problems.Invalid("channel", $"Must be one of: {string.Join(", ", Channels.Supported.Where(c => c != Channels.App))} (the app channel needs no mapping).")
            : null;

    private static async Task<Ok<ChannelMappingList>> List(string username, ChannelMappingsHandler handler, CancellationToken ct) =>
        TypedResults.Ok(new ChannelMappingList((await handler.ListAsync(username, ct)).Select(Response).ToList()));

    private static async Task<Results<Ok<ChannelMappingResponse>, ProblemHttpResult>> Put(
        string username, string channel, HttpContext http, ChannelMappingsHandler handler, CancellationToken ct)
    {
        if (CheckChannel(username, channel) is { } problem) return problem;
        var (body, bodyProblem) = await JsonBody.ReadAsync(http.Request, AuthJsonContext.Default.ChannelMappingRequest);
        if (bodyProblem is not null) return bodyProblem;
        if (string.IsNullOrWhiteSpace(body!.ExternalId) || body.ExternalId.Length > 256)
            return Problems.Invalid("external_id", "Is required: the user's id on that platform, at most 256 characters.");
        if (HasControl(body.ExternalId)) return Problems.Invalid("external_id", "Must not contain NUL or other control characters.");
        // An id that only looks like another (a zero-width or other invisible character in it) would map a second identity.
        if (body.ExternalId.Trim().Any(c => char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format))
            return Problems.Invalid("external_id", "Must not contain spaces or invisible characters.");
        // A user's own mapping waits for proof from the platform; an admin's or an integrator's counts at once.
        var caller = http.User.Caller();
        return (await handler.SetAsync(username, channel, body.ExternalId, verified: caller.IsAdmin || caller.IsClient, ct))
            .ToResult(http.Response, mapping => TypedResults.Ok(Response(mapping)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string username, string channel, HttpContext http, ChannelMappingsHandler handler, CancellationToken ct)
    {
        if (CheckChannel(username, channel) is { } problem) return problem;
        return (await handler.DeleteAsync(username, channel, ct)).ToResult(http.Response, _ => TypedResults.NoContent());
    }

    private static async Task<Results<Ok<ChannelProofCodeResponse>, ProblemHttpResult>> RequestProof(
        string username, string channel, HttpContext http, ChannelMappingsHandler handler, CancellationToken ct)
    {
        if (CheckChannel(username, channel) is { } problem) return problem;
        return (await handler.RequestProofAsync(username, channel, ct)).ToResult(http.Response, code => TypedResults.Ok(code));
    }

    private static ChannelMappingResponse Response(ChannelMapping m) => new(m.Username, m.Channel, m.ExternalId, m.Verified ? "verified" : "pending", m.UpdatedAt);
}

/// <summary>
/// Whose channel mappings the caller may manage: an admin anyone's, a user their own, a client
/// those of users it may act for if its token grants <c>channels:write</c>. Checked before the
/// request is read, as a scope is.
/// </summary>
internal sealed class ManageChannelsRequirement : AuthorizationHandler<ManageChannelsRequirement>, IExplainedRequirement
{
    public ProblemHttpResult Explain(HttpContext context) =>
        Problems.Forbidden($"You may not manage the channels of '{Username(context)}'.", "username");

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ManageChannelsRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true && context.Resource is HttpContext http)
        {
            var caller = context.User.Caller();
            if (caller.IsAdmin || (caller.MayActAs(Username(http)) && caller.Has(Scopes.ChannelsWrite))) context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }

    private static string? Username(HttpContext http) => http.GetRouteValue("username") as string;
}
