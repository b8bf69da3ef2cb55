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
        channels.MapPut("/{channel}", Put).DescribeBody<ChannelMappingRequest>("""{"external_id":"123456789"}""").ProducesProblems(StatusCodes.Status404NotFound);
        channels.MapDelete("/{channel}", Delete).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        return app;
    }

    private static ProblemHttpResult? CheckChannel(string channel) =>
        !Channels.Supported.Contains(channel) || channel == Channels.App
            ? Problems.Invalid("channel", $"Must be one of: {string.Join(", ", Channels.Supported.Where(c => c != Channels.App))} (the app channel needs no mapping).")
            : null;

    private static async Task<Ok<ChannelMappingList>> List(string username, ChannelMappingsHandler handler, CancellationToken ct) =>
        TypedResults.Ok(new ChannelMappingList((await handler.ListAsync(username, ct)).Select(Response).ToList()));

    private static async Task<Results<Ok<ChannelMappingResponse>, ProblemHttpResult>> Put(
        string username, string channel, HttpContext http, ChannelMappingsHandler handler, CancellationToken ct)
    {
        if (CheckChannel(channel) is { } problem) return problem;
        var (body, bodyProblem) = await JsonBody.ReadAsync(http.Request, AuthJsonContext.Default.ChannelMappingRequest);
        if (bodyProblem is not null) return bodyProblem;
        if (string.IsNullOrWhiteSpace(body!.ExternalId) || body.ExternalId.Length > 256)
            return Problems.Invalid("external_id", "Is required: the user's id on that platform, at most 256 characters.");
        return (await handler.SetAsync(username, channel, body.ExternalId, ct)).ToResult(http.Response, mapping => TypedResults.Ok(Response(mapping)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string username, string channel, HttpContext http, ChannelMappingsHandler handler, CancellationToken ct)
    {
        if (CheckChannel(channel) is { } problem) return problem;
        return (await handler.DeleteAsync(username, channel, ct)).ToResult(http.Response, _ => TypedResults.NoContent());
    }

    private static ChannelMappingResponse Response(ChannelMapping m) => new(m.Username, m.Channel, m.ExternalId, m.UpdatedAt);
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
