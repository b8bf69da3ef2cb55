using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Chat.Shared.Configuration;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Shared.Http;

/// <summary>Section <c>Auth</c>: what a valid access token says about who issued it and for whom.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    [Required(ErrorMessage = "expected the tokens' issuer, like chat.")]
    public string Issuer { get; set; } = "chat";

    [Required(ErrorMessage = "expected the tokens' audience, like chat-api.")]
    public string Audience { get; set; } = "chat-api";

    /// <summary>Where services that do not issue tokens fetch the public keys (Auth's <c>/.well-known/jwks.json</c>).</summary>
    public string? JwksUrl { get; set; }

    /// <summary>
    /// Where services that do not issue tokens read the access tokens revoked by logout; unset, the
    /// <c>/.well-known/revoked-tokens</c> beside <see cref="JwksUrl"/>.
    /// </summary>
    public string? RevokedTokensUrl { get; set; }

    /// <summary>How often revocations are read: a logged-out token is refused everywhere within about this long.</summary>
    [Positive]
    public TimeSpan RevocationPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    internal string? RevocationsUrl() => RevokedTokensUrl
        ?? (string.IsNullOrEmpty(JwksUrl) ? null : new Uri(new Uri(JwksUrl), "/.well-known/revoked-tokens").ToString());

    /// <summary>Remember validated access tokens (<see cref="CachedTokenHandler"/>) instead of checking each one's signature per request; off only to measure what it saves.</summary>
    public bool CacheValidatedTokens { get; set; } = true;

    [Positive]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>bcrypt work factor for stored passwords.</summary>
    [Range(4, 31, ErrorMessage = "expected a bcrypt cost from 4 to 31 (12 or more outside load tests).")]
    public int PasswordHashCost { get; set; } = 12;

    [Positive]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Usernames whose tokens carry the admin role (create clients, rotate keys, manage anyone's mappings).</summary>
    public List<string> Admins { get; set; } = [];

    /// <summary>Failed logins for one username before it is refused for <see cref="LoginLockout"/>.</summary>
    [AtLeast(1)]
    public int LoginFailuresPerUsername { get; set; } = 5;

    /// <summary>Failed logins from one address before it is refused for <see cref="LoginLockout"/>.</summary>
    [AtLeast(1)]
    public int LoginFailuresPerAddress { get; set; } = 20;

    [Positive]
    public TimeSpan LoginLockout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Requests to the auth endpoints per address per minute (ASP.NET Core's rate limiter).</summary>
    [AtLeast(1)]
    public int AuthRequestsPerMinute { get; set; } = 120;
}

public static class ChatAuthentication
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    /// <summary>
    /// The claim of a token issued for a temporary password an admin set (docs/api.md, "Temporary
    /// passwords"): it serves only the password change and logout, here and in every other service.
    /// </summary>
    public const string PasswordChangeClaim = "pwd_change";

    /// <summary>
    /// Bearer JWT validation for every endpoint that does not opt out with AllowAnonymous, and a
    /// policy per scope (<see cref="ScopePolicies"/>).
    /// Signing keys come from whoever configures <see cref="JwtBearerOptions"/> after this (Auth, in-process).
    /// </summary>
    public static IHostApplicationBuilder AddChatAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<AuthOptions>(AuthOptions.Section);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<CachedTokenHandler>(sp => new CachedTokenHandler(sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<AuthOptions>, CachedTokenHandler>((o, options, handler) =>
        {
            var auth = options.Value;
            // Each token's signature checked once, not per request (CachedTokenHandler says when a remembered one is used).
            if (auth.CacheValidatedTokens)
            {
                o.TokenHandlers.Clear();
                o.TokenHandlers.Add(handler);
            }
            if (!string.IsNullOrEmpty(auth.JwksUrl))
            {
                // Keys come from Auth's JWKS: cached, and fetched again when a token names a kid not seen yet.
                o.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                    auth.JwksUrl, new JwksRetriever(), new HttpDocumentRetriever { RequireHttps = auth.JwksUrl.StartsWith("https:", StringComparison.Ordinal) })
                {
                    AutomaticRefreshInterval = TimeSpan.FromMinutes(10),
                    RefreshInterval = TimeSpan.FromSeconds(5), // the soonest an unknown kid may trigger another fetch
                };
                o.RefreshOnIssuerKeyNotFound = true;
            }
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = auth.Issuer,
                ValidAudience = auth.Audience,
                ValidAlgorithms = [Algorithm],
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = "sub",
            };
            o.Events = new JwtBearerEvents
            {
                // Browsers cannot set headers on a WebSocket handshake.
                OnMessageReceived = c =>
                {
                    if (c.Request.Path.StartsWithSegments("/v1/ws") && c.Request.Query["access_token"] is [{ } token]) c.Token = token;
                    return Task.CompletedTask;
                },
                // Signed and unexpired is not enough: a token revoked by logout is refused until it expires.
                OnTokenValidated = c =>
                {
                    if (c.Principal?.FindFirstValue("jti") is { } id && c.HttpContext.RequestServices.GetRequiredService<RevokedTokens>().IsRevoked(id))
                        c.Fail(new SecurityTokenRevokedException());
                    else if (c.Principal?.HasClaim(PasswordChangeClaim, "true") == true && !ServesPasswordChange(c.Request))
                        c.Fail(new SecurityTokenPasswordChangeRequiredException());
                    return Task.CompletedTask;
                },
                OnChallenge = async c =>
                {
                    c.HandleResponse();
                    var detail = c.AuthenticateFailure switch
                    {
                        null => "Send an access token: Authorization: Bearer <token> (from POST /v1/auth/token).",
                        SecurityTokenPasswordChangeRequiredException =>
                            "The password is a temporary one an admin set: change it with PUT /v1/users/me/password, then refresh the token.",
                        var failure => $"The access token {Why(failure)}. Get a new one from POST /v1/auth/token.",
                    };
                    c.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    c.Response.Headers.WWWAuthenticate = c.AuthenticateFailure switch
                    {
                        null => "Bearer",
                        SecurityTokenPasswordChangeRequiredException => "Bearer error=\"invalid_token\", error_description=\"password_change_required\"",
                        _ => "Bearer error=\"invalid_token\"",
                    };
                    await Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized", detail, "Authorization").ExecuteAsync(c.HttpContext);
                },
            };
        });
        builder.AddRevokedTokens();
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.AddScopePolicies();
        return builder;
    }

    /// <summary>
    /// The deny-list of logged-out tokens and what keeps it current: Auth's store where Auth runs in
    /// this process (it registers its own <see cref="IRevocationFeed"/>), else Auth over HTTP.
    /// </summary>
    private static void AddRevokedTokens(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<RevokedTokens>();
        builder.Services.AddHttpClient<HttpRevocationFeed>(http => http.Timeout = TimeSpan.FromSeconds(5));
        builder.Services.TryAddSingleton<IRevocationFeed>(sp =>
            sp.GetRequiredService<IOptions<AuthOptions>>().Value.RevocationsUrl() is null
                ? new NoRevocationFeed()
                : sp.GetRequiredService<HttpRevocationFeed>());
        builder.Services.AddHostedService<RevokedTokensRefresher>();
    }

    /// <summary>Neither Auth in the process nor a URL to reach it: nothing can have been revoked that this process could learn of.</summary>
    private sealed class NoRevocationFeed : IRevocationFeed
    {
        public Task<RevocationPage> ReadAfterAsync(long cursor, CancellationToken cancellationToken) => Task.FromResult(new RevocationPage(cursor, []));
    }

    /// <summary>What a token of a temporary password may do: change it, or log out.</summary>
    private static bool ServesPasswordChange(HttpRequest request) =>
        HttpMethods.IsPut(request.Method) && request.Path.Equals("/v1/users/me/password", StringComparison.OrdinalIgnoreCase)
        || HttpMethods.IsPost(request.Method) && request.Path.Equals("/v1/auth/logout", StringComparison.OrdinalIgnoreCase);

    private static string Why(Exception failure) => failure switch
    {
        SecurityTokenRevokedException => "was revoked by logging out",
        SecurityTokenExpiredException => "has expired",
        SecurityTokenNotYetValidException => "is not valid yet",
        SecurityTokenInvalidIssuerException => "was issued by someone else",
        SecurityTokenInvalidAudienceException => "is meant for another audience",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "has a signature this service does not accept",
        SecurityTokenInvalidAlgorithmException => "is signed with an algorithm this service does not accept",
        _ => "is malformed",
    };

    /// <summary>The caller's username (the token's <c>sub</c>); for an integrator client, its <c>client:{id}</c> subject.</summary>
    public static string Username(this ClaimsPrincipal user) =>
        user.FindFirstValue("sub") ?? throw new InvalidOperationException("An authenticated principal has no 'sub' claim.");

    public static Caller Caller(this ClaimsPrincipal user) => Http.Caller.Of(user);
}

/// <summary>The token was issued for a temporary password and the request is not its change.</summary>
internal sealed class SecurityTokenPasswordChangeRequiredException() : SecurityTokenException("The password must be changed first.");

/// <summary>The token was revoked (its session logged out) before it expired.</summary>
internal sealed class SecurityTokenRevokedException() : SecurityTokenException("The access token was revoked by logout.");

/// <summary>Reads a bare JWKS document (no OpenID discovery document around it) as a signing-key configuration.</summary>
internal sealed class JwksRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var keys = new JsonWebKeySet(await retriever.GetDocumentAsync(address, cancel));
        var configuration = new OpenIdConnectConfiguration { JwksUri = address };
        foreach (var key in keys.GetSigningKeys()) configuration.SigningKeys.Add(key);
        return configuration;
    }
}
