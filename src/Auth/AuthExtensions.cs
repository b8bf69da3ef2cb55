using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Chat.Auth;

public static class AuthExtensions
{
    /// <summary>Token issuing, and the signing key handed to this process's token validation.</summary>
    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AuthJsonContext.Default));
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeys>((o, keys) => o.TokenValidationParameters.IssuerSigningKeys = keys.ValidationKeys);
        return builder;
    }
}
