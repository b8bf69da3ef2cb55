using Chat.Shared.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Auth;

/// <summary>Register, the token endpoint (password, refresh_token, client_credentials grants), logout and the JWKS.</summary>
public static class AuthApi
{
    public const string RateLimitPolicy = "auth";

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/v1/auth").AllowAnonymous().WithTags("Auth").RequireRateLimiting(RateLimitPolicy);
        auth.MapPost("/register", Register)
            .DescribeBody<RegisterRequest>("""{"username":"alice","password":"correct horse battery","display_name":"Alice"}""");
        auth.MapPost("/token", Token).DisableAntiforgery()
            .DescribeBody<TokenRequest>("""{"grant_type":"password","username":"alice","password":"correct horse battery"}""", "application/json", "application/x-www-form-urlencoded");
        auth.MapPost("/logout", Logout).DisableAntiforgery();
        app.MapGet("/.well-known/jwks.json", (KeyRing keys) => Results.Text(keys.PublicKeySetJson(), "application/jwk-set+json"))
            .AllowAnonymous().WithTags("Auth");
        app.MapAdminApi();
        app.MapChannelsApi();
        return app;
    }

    private static async Task<Results<Created<UserResponse>, ProblemHttpResult>> Register(
        HttpRequest request, IAccountStore metadata, PasswordHasher passwords, TimeProvider clock, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, AuthJsonContext.Default.RegisterRequest);
        if (problem is not null) return problem;
        var errors = new ValidationErrors();
        CredentialRules.CheckUsername(body!.Username, errors);
        CredentialRules.CheckPassword(body.Password, body.Username, errors);
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
        HttpContext http, IAccountStore metadata, PasswordHasher passwords, TokenIssuer issuer, RefreshTokens refreshTokens,
        LoginThrottle throttle, CancellationToken ct)
    {
        TokenRequest body;
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(ct);
            body = new TokenRequest(form["grant_type"], form["username"], form["password"], form["refresh_token"], form["client_id"], form["client_secret"]);
        }
        else
        {
            var (json, problem) = await JsonBody.ReadAsync(http.Request, AuthJsonContext.Default.TokenRequest);
            if (problem is not null) return problem;
            body = json!;
        }
        var address = http.Connection.RemoteIpAddress?.ToString();
        var issued = body.GrantType switch
        {
            "password" => await PasswordGrantAsync(body, address, metadata, passwords, issuer, throttle, http, ct),
            "refresh_token" => string.IsNullOrEmpty(body.RefreshToken)
                ? Problems.Invalid("refresh_token", "Is required.")
                : await refreshTokens.RedeemAsync(body.RefreshToken, address, ct) as object ?? InvalidGrant("The refresh token is not valid (expired, revoked or already used)."),
            "client_credentials" => await ClientGrantAsync(body, metadata, issuer, ct),
            null => Problems.Invalid("grant_type", "Is required: password, refresh_token or client_credentials."),
            _ => Problems.Invalid("grant_type", $"'{body.GrantType}' is not supported; use password, refresh_token or client_credentials."),
        };
        return issued switch
        {
            IssuedTokens t => TypedResults.Ok(new TokenResponse(t.AccessToken, "Bearer", (int)t.Lifetime.TotalSeconds, t.RefreshToken, t.Scope)),
            ProblemHttpResult p => p,
            _ => throw new InvalidOperationException("unreachable"),
        };
    }

    private static async Task<object> PasswordGrantAsync(TokenRequest body, string? address, IAccountStore metadata, PasswordHasher passwords,
        TokenIssuer issuer, LoginThrottle throttle, HttpContext http, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(body.Username)) errors.Add("username", "Is required.");
        if (string.IsNullOrEmpty(body.Password)) errors.Add("password", "Is required.");
        if (errors.Any) return errors.ToProblem();

        var username = CredentialRules.Normalize(body.Username!);
        if (throttle.RetryAfter(username, address) is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString("0");
            return Problems.Status(StatusCodes.Status429TooManyRequests, "Too many failed logins",
                $"Too many failed logins for this username or from this address; try again in {Math.Ceiling(wait.TotalSeconds):0} s.");
        }
        var user = await metadata.FindUserAsync(username, ct);
        if (!passwords.Verify(body.Password!, user?.PasswordHash))
        {
            throttle.Failed(username, address);
            return InvalidGrant("The username or password is wrong.");
        }
        throttle.Succeeded(username);
        return await issuer.ForUserAsync(user!.Username, familyId: null, ct);
    }

    private static async Task<object> ClientGrantAsync(TokenRequest body, IAccountStore metadata, TokenIssuer issuer, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(body.ClientId) || string.IsNullOrEmpty(body.ClientSecret))
            return Problems.Invalid(string.IsNullOrEmpty(body.ClientId) ? "client_id" : "client_secret", "Is required.");
        var client = await metadata.FindClientAsync(body.ClientId, ct);
        return client is not null && TokenIssuer.Matches(body.ClientSecret, client.SecretHash)
            ? issuer.ForClient(client)
            : InvalidGrant("The client id or secret is wrong.");
    }

    private static ProblemHttpResult InvalidGrant(string detail) => Problems.Status(StatusCodes.Status401Unauthorized, "Invalid credentials", detail);

    /// <summary>Revokes the refresh token's whole family; access tokens already issued live out their hour.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Logout(HttpRequest request, RefreshTokens refreshTokens, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, AuthJsonContext.Default.LogoutRequest);
        if (problem is not null) return problem;
        if (string.IsNullOrEmpty(body!.RefreshToken)) return Problems.Invalid("refresh_token", "Is required.");
        await refreshTokens.RevokeAsync(body.RefreshToken, ct);
        return TypedResults.NoContent();
    }
}
