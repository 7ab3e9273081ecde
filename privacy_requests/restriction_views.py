"""(Being written.)"""

urlpatterns = []
