using Chat.Presence;
using Chat.Shared.Http;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddPresence();

var app = builder.Build();
app.UseServiceDefaults();
app.MapPresenceApi();
app.RunOrExplain();
