using Chat.Shared.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Auth;

/// <summary>Admin-only: integrator clients and signing-key rotation. Admins are the usernames in <c>Auth:Admins</c>.</summary>
public static class AdminApi
{
    public const string AdminPolicy = "admin";

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1/admin").RequireAuthorization(AdminPolicy).WithTags("Admin")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        admin.MapPost("/clients", CreateClient).DescribeBody<CreateClientRequest>("""{"name":"Acme CRM","scopes":["messages:send","messages:read"],"act_as":["*"]}""");
        admin.MapPost("/keys/rotate", (KeyRing keys) => TypedResults.Ok(new KeyRotationResponse(keys.Rotate())));
        admin.MapPut("/users/{username}/password", SetTemporaryPassword).DescribeBody<TemporaryPasswordRequest>("""{"password":"temporary lantern 42"}""")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>There is no mail service for reset links: an admin hands the user a temporary password, which they must change at once.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> SetTemporaryPassword(string username, HttpRequest request, AccountHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, AuthJsonContext.Default.TemporaryPasswordRequest);
        if (problem is not null) return problem;
        var errors = new ValidationErrors();
        var name = CredentialRules.Normalize(username);
        CredentialRules.CheckPassword(body!.Password, name, errors, "password");
        if (errors.Any) return errors.ToProblem();
        return (await handler.SetTemporaryPasswordAsync(name, body.Password!, ct)).ToResult(request.HttpContext.Response, _ => TypedResults.NoContent());
    }

    /// <summary>The secret is in this answer only: it is stored hashed.</summary>
    private static async Task<Results<Created<ClientResponse>, ProblemHttpResult>> CreateClient(HttpRequest request, CreateClientHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, AuthJsonContext.Default.CreateClientRequest);
        if (problem is not null) return problem;
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(body!.Name) || body.Name.Length > 100) errors.Add("name", "Is required, at most 100 characters.");
        if (body.Scopes is not { Count: > 0 }) errors.Add("scopes", $"Name at least one of: {string.Join(", ", Scopes.All)}.");
        else
            for (var i = 0; i < body.Scopes.Count; i++)
                if (body.Scopes[i] is not { } scope || !Scopes.All.Contains(scope)) errors.Add($"scopes[{i}]", $"Must be one of: {string.Join(", ", Scopes.All)}.");
        if (body.ActAs is not { Count: > 0 }) errors.Add("act_as", "Name the users the client may act for, or [\"*\"] for any.");
        else
            for (var i = 0; i < body.ActAs.Count; i++)
                if (body.ActAs[i] is not { } actAs || actAs != "*" && !CredentialRules.IsUsername(actAs)) errors.Add($"act_as[{i}]", "Must be a username or \"*\".");
        if (errors.Any) return errors.ToProblem();

        var (client, secret) = await handler.CreateAsync(body, ct);
        return TypedResults.Created($"/v1/admin/clients/{client.ClientId}",
            new ClientResponse(client.ClientId, client.Name, client.Scopes, client.ActAs, client.CreatedAt, secret));
    }
}
