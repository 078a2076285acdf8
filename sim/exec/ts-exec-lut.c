#include "ts-exec-private.h"
