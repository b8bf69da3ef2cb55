using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Auth;

public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/v1/auth").AllowAnonymous().WithTags("Auth");
        auth.MapPost("/register", Register);
        auth.MapPost("/token", Token).DisableAntiforgery();
        app.MapGet("/.well-known/jwks.json", (SigningKeys keys) => Results.Text(keys.PublicKeySetJson(), "application/jwk-set+json"))
            .AllowAnonymous().WithTags("Auth");
        return app;
    }

    private static async Task<Results<Created<UserResponse>, ProblemHttpResult>> Register(
        HttpRequest request, IMetadataStore metadata, PasswordHasher passwords, TimeProvider clock, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, AuthJsonContext.Default.RegisterRequest);
        if (problem is not null) return problem;
        var errors = new ValidationErrors();
        CredentialRules.CheckUsername(body!.Username, errors);
        CredentialRules.CheckPassword(body.Password, errors);
        if (body.DisplayName is { Length: > 64 }) errors.Add("display_name", "Must be at most 64 characters.");
        if (errors.Any) return errors.ToProblem();

        var username = CredentialRules.Normalize(body.Username!);
        var user = new User(username, string.IsNullOrWhiteSpace(body.DisplayName) ? username : body.DisplayName.Trim(),
            passwords.Hash(body.Password!), clock.GetUtcNow());
        if (!await metadata.TryCreateUserAsync(user, ct))
            return Problems.Conflict($"The username '{username}' is taken.", "username");
        return TypedResults.Created($"/v1/users/{username}", new UserResponse(user.Username, user.DisplayName, user.CreatedAt));
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Token(
        HttpRequest request, IMetadataStore metadata, PasswordHasher passwords, TokenIssuer issuer, CancellationToken ct)
    {
        TokenRequest body;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            body = new TokenRequest(form["grant_type"], form["username"], form["password"], form["refresh_token"], form["client_id"], form["client_secret"]);
        }
        else
        {
            var (json, problem) = await JsonBody.ReadAsync(request, AuthJsonContext.Default.TokenRequest);
            if (problem is not null) return problem;
            body = json!;
        }

        if (body.GrantType != "password")
            return Problems.Invalid("grant_type", body.GrantType is null ? "Is required." : $"'{body.GrantType}' is not supported; use 'password'.");
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(body.Username)) errors.Add("username", "Is required.");
        if (string.IsNullOrEmpty(body.Password)) errors.Add("password", "Is required.");
        if (errors.Any) return errors.ToProblem();

        var user = await metadata.FindUserAsync(CredentialRules.Normalize(body.Username!), ct);
        var valid = passwords.Verify(body.Password!, user?.PasswordHash);
        if (!valid)
            return Problems.Status(StatusCodes.Status401Unauthorized, "Invalid credentials", "The username or password is wrong.");
        var token = issuer.Issue(user!.Username);
        return TypedResults.Ok(new TokenResponse(token.Token, "Bearer", (int)token.Lifetime.TotalSeconds));
    }
}
