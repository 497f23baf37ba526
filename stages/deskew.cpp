#include "stages/deskew.h"
