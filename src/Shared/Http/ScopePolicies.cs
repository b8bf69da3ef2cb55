using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Shared.Http;

/// <summary>
/// One authorization policy per scope, named as the scope (<c>.RequireAuthorization(Scopes.MessagesSend)</c>):
/// an integrator client's token must carry it; a user's token passes, since a user may do anything
/// to what is their own (<see cref="Caller.Has"/>). A refusal is answered like every other 403 here:
/// a problem detail naming the field, <c>scope</c>.
/// </summary>
public static class ScopePolicies
{
    public static IServiceCollection AddScopePolicies(this IServiceCollection services)
    {
        var authorization = services.AddAuthorizationBuilder();
        foreach (var scope in Scopes.All)
            authorization.AddPolicy(scope, p => p.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(scope)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ScopeHandler>());
        // Replace, not TryAdd: AddAuthorization has registered ASP.NET Core's own, which this one wraps.
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, ExplainedRefusalWriter>());
        return services;
    }
}

/// <summary>A requirement that, when it fails, says why in a problem detail naming the field, instead of a bare 403.</summary>
public interface IExplainedRequirement : IAuthorizationRequirement
{
    ProblemHttpResult Explain(HttpContext context);
}

/// <summary>The caller's token must grant <see cref="Scope"/> (users' tokens grant every scope).</summary>
public sealed record ScopeRequirement(string Scope) : IExplainedRequirement
{
    public ProblemHttpResult Explain(HttpContext context) => Problems.Forbidden($"This client's token lacks the {Scope} scope.", "scope");
}

internal sealed class ScopeHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true && context.User.Caller().Has(requirement.Scope)) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>Answers an authenticated caller that failed an <see cref="IExplainedRequirement"/> with its problem detail; everything else as ASP.NET Core would.</summary>
internal sealed class ExplainedRefusalWriter : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<IExplainedRequirement>().FirstOrDefault() is { } failed)
        {
            await failed.Explain(context).ExecuteAsync(context);
            return;
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
