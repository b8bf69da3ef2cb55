using Chat.Auth;
using Chat.Shared.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddAuth();

var app = builder.Build();
app.UseServiceDefaults();
app.UseAuthRateLimits();
app.MapAuthApi();
app.RunOrExplain();
